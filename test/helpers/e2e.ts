// Shared pieces of the end-to-end tests: the scripted agent that writes hello.py, a passing judge
// verdict for the default rubric, and read-only queries on an experiment's scylla.db.
import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Writes hello.py through Bash (works with and without a working-directory line in the system prompt). */
export const HELLO_STEP = {
  tool: 'Bash',
  input: { command: `printf 'print("Hello, World!")\\n' > hello.py` },
};
/** The whole scripted agent: write hello.py, then say so. */
export const HELLO_AGENT = { steps: [HELLO_STEP, { text: 'Created hello.py.' }] };
/** A passing verdict with per-item scores for the fixture builder's default rubric (R001, R002). */
export const PASS_VERDICT = {
  score: 1,
  passed: true,
  reasoning: 'hello.py prints Hello, World!',
  criteria_scores: {
    R001: { score: 1, explanation: 'added' },
    R002: { score: 1, explanation: 'correct output' },
  },
};

/** Rows of a read-only query on `<expDir>/scylla.db`. */
export function dbRows<T>(expDir: string, sql: string): T[] {
  const db = new Database(join(expDir, 'scylla.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Experiment directories of `id` below `results`, oldest first. */
export function experimentDirs(results: string, id = 'test-001'): string[] {
  if (!existsSync(results)) return [];
  return readdirSync(results)
    .filter((d) => d.endsWith(`-${id}`))
    .sort()
    .map((d) => join(results, d));
}

/** `scylla run` arguments for tier T0 of a test case; `extra` flags go last. */
export function runArgs(
  tiersDir: string,
  results: string,
  opts: { runs?: number; parallel?: number } = {},
  ...extra: string[]
): string[] {
  const parallel = opts.parallel === undefined ? [] : ['--parallel', String(opts.parallel)];
  const runs = ['--runs', String(opts.runs ?? 1)];
  return [
    'run',
    '--tiers-dir',
    tiersDir,
    '--tiers',
    'T0',
    ...runs,
    ...parallel,
    '--results-dir',
    results,
    ...extra,
  ];
}
