// The reliability suite's kit: how big each check is (quick in `npm test`, long in `npm run chaos`),
// a seeded PRNG, a fast command agent that signs its work with its pid, and the invariants every
// check asserts on an experiment directory.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, vi } from 'vitest';
import { mulberry32 } from '../../src/stats/prng.js';
import { git } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

/** `npm run chaos` sets SCYLLA_CHAOS=long. */
export const LONG = process.env.SCYLLA_CHAOS === 'long';

// These checks run whole experiments; on a loaded machine they take minutes, not seconds.
vi.setConfig({ testTimeout: LONG ? 3_600_000 : 300_000 });

/** Size of a check: quick form, long form. */
export const size = (quick: number, long: number): number => (LONG ? long : quick);

/** A seeded PRNG in [0, 1); the seed is printed so a failure can be replayed. */
export function prng(seed: number): () => number {
  return mulberry32(seed);
}

/**
 * A command agent: reads the prompt, waits (a child `sleep`, so a kill finds a process tree; `slowMs`
 * in every subtest's first run, `fastMs` elsewhere), then signs its work with `agent-<pid>.txt`,
 * writes hello.py and reports usage. An agent that outlived a killed Scylla would sign the resumed
 * attempt's workspace too: two signatures in one diff.
 */
export function signingAgent(fastMs: number, slowMs = fastMs): string {
  const file = join(tmpDir('scylla-agent-'), 'agent.sh');
  const s = (ms: number) => (ms / 1000).toFixed(3);
  writeFileSync(
    file,
    `#!/usr/bin/env bash\ncat > /dev/null\n` +
      `case "$PWD" in */run_01/workspace) sleep ${s(slowMs)} ;; *) sleep ${s(fastMs)} ;; esac\n` +
      `echo "$$" > "agent-$$.txt"\nprintf 'print("Hello, World!")\\n' > hello.py\n` +
      `echo '{"result":"done","usage":{"input_tokens":100,"output_tokens":10},"cost_usd":0.001,"num_turns":1}'\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

/** Rows of a read-only query. */
export function rows<T>(expDir: string, sql: string): T[] {
  const db = new Database(join(expDir, 'scylla.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** What must never change about a finalized run: its artefacts and its branch tip. */
export function finalizedFingerprints(expDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows<{ tier: string; subtest: string; run: number; branch: string }>(
    expDir,
    "SELECT tier, subtest, run, branch FROM runs WHERE state IN ('finalized', 'cleaned')",
  )) {
    const dir = join(expDir, r.tier, r.subtest, `run_${String(r.run).padStart(2, '0')}`);
    const h = createHash('sha256');
    for (const f of ['diff.patch', 'run_result.json', 'agent/result.json'])
      h.update(existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : `missing ${f}`);
    h.update(git(join(expDir, 'repo'), 'rev-parse', r.branch));
    out.set(`${r.tier}/${r.subtest}/${r.run}`, h.digest('hex'));
  }
  return out;
}

/** Live processes whose working directory is below `dir` (an agent that outlived its Scylla). */
export function processesUnder(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cwd.startsWith(dir) && state !== 'Z') out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** The invariants of a finished experiment: once-finalized runs, one agent per diff, integrity. */
export function assertSound(expDir: string, expectedRuns: number): void {
  const finals = rows<{ n: number }>(
    expDir,
    "SELECT COUNT(*) AS n FROM transitions WHERE to_state = 'finalized' GROUP BY tier, subtest, run",
  );
  expect(finals).toHaveLength(expectedRuns);
  expect(finals.every((f) => f.n === 1)).toBe(true);
  expect(rows<{ state: string }>(expDir, 'SELECT state FROM runs').every((r) => r.state === 'cleaned')).toBe(
    true,
  );
  expect(rows<{ integrity_check: string }>(expDir, 'PRAGMA integrity_check')).toEqual([
    { integrity_check: 'ok' },
  ]);
  // One attempt's work per diff: never two agents' signatures in one finished run.
  for (const r of rows<{ tier: string; subtest: string; run: number }>(
    expDir,
    'SELECT tier, subtest, run FROM runs',
  )) {
    const diff = readFileSync(
      join(expDir, r.tier, r.subtest, `run_${String(r.run).padStart(2, '0')}`, 'diff.patch'),
      'utf8',
    );
    const signatures = diff.match(/^\+\+\+ b\/agent-\d+\.txt$/gm) ?? [];
    expect(signatures, `${r.tier}/${r.subtest}/${r.run}`).toHaveLength(1);
  }
}
