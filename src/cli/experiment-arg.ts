// Finds experiment directories given on the command line (an experiment dir or a results dir).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE } from '../engine/experiment-dir.js';

/** The newest `<timestamp>-<id>/` below `resultsDir` that holds a scylla.db. */
export function newestExperimentDir(resultsDir: string): string | undefined {
  if (!existsSync(resultsDir)) return undefined;
  return readdirSync(resultsDir)
    .filter((n) => /^\d{4}-\d{2}-\d{2}T/.test(n) && existsSync(join(resultsDir, n, DB_FILE)))
    .sort()
    .map((n) => join(resultsDir, n))
    .pop();
}
