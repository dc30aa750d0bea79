// Finds the experiment directory to resume (newest `<results>/<timestamp>-<id>/`) or creates a new one.
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { asDiskFull } from '../util/disk.js';

/** Name of the state database inside an experiment directory. */
export const DB_FILE = 'scylla.db';

/** UTC timestamp usable in a directory name: 2026-01-08T12-00-00. */
export function dirTimestamp(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace(/:/g, '-');
}

/** The newest `<resultsDir>/<timestamp>-<experimentId>/` holding a scylla.db, if any. */
export function findLatestExperimentDir(resultsDir: string, experimentId: string): string | undefined {
  // A results "directory" that is a file holds no experiment (prepareResultsDir says what is wrong).
  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory()) return undefined;
  const re = new RegExp(
    `^\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(-\\d+)?-${experimentId.replace(/[.]/g, '\\.')}$`,
  );
  return readdirSync(resultsDir)
    .filter((n) => re.test(n) && existsSync(join(resultsDir, n, DB_FILE)))
    .sort()
    .map((n) => join(resultsDir, n))
    .pop();
}

/**
 * Make sure the results directory exists and can be written, before anything is created in it:
 * a path that is a file, or a read-only one, is an error naming it.
 */
export function prepareResultsDir(resultsDir: string): void {
  const problem = (what: string) =>
    new ConfigError(`results directory ${resultsDir} ${what}`, { field: 'results_dir' });
  if (existsSync(resultsDir) && !statSync(resultsDir).isDirectory())
    throw problem('is a file, not a directory');
  try {
    mkdirSync(resultsDir, { recursive: true });
    accessSync(resultsDir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw problem('is below a file, not a directory');
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
      throw problem(`cannot be written (${code})`);
    throw asDiskFull(e, resultsDir);
  }
}

/** Create a fresh experiment directory; never reuses an existing name. */
export function createExperimentDir(resultsDir: string, experimentId: string, now = new Date()): string {
  mkdirSync(resultsDir, { recursive: true });
  const base = `${dirTimestamp(now)}-${experimentId}`;
  for (let i = 0; ; i++) {
    // Same-second collisions get a -N suffix before the id so the newest still sorts last.
    const name = i === 0 ? base : `${dirTimestamp(now)}-${i}-${experimentId}`;
    const dir = join(resultsDir, name);
    if (!existsSync(dir)) {
      mkdirSync(dir);
      return dir;
    }
  }
}

/** Copy the inputs the judges and agents saw into the experiment directory (immutable copies). */
export function copyInputs(
  expDir: string,
  files: { prompt: string; criteria: string | null; rubric: string | null },
): void {
  copyFileSync(files.prompt, join(expDir, 'prompt.md'));
  if (files.criteria && existsSync(files.criteria)) copyFileSync(files.criteria, join(expDir, 'criteria.md'));
  if (files.rubric && existsSync(files.rubric)) copyFileSync(files.rubric, join(expDir, 'rubric.yaml'));
}
