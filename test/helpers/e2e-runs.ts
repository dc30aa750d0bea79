// Helpers of the end-to-end tests of scheduling: test cases of identical subtests, polling, agent
// launches read from the runs' command logs, and the one-pause check of the rate-limit tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { dbRows } from './e2e.js';
import { buildTestCase } from './fixture-builder.js';
import { gitdir } from './gitdir.js';

/** A test case with `subtests` identical T0 subtests (no build pipeline). */
export function caseWith(subtests: number): string {
  const repo = gitdir({ 'README.md': '# greeter\n' });
  const t0: Record<string, object> = {};
  for (let i = 1; i <= subtests; i++) t0[`${String(i).padStart(2, '0')}-same`] = { name: `same ${i}` };
  return buildTestCase({ repo, tiers: { T0: t0 }, language: 'other' }).tiersDir;
}

/** Poll `f` every 100 ms until it returns something truthy (errors count as not yet). */
export async function waitFor<T>(
  what: string,
  f: () => T | undefined | null | false,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = f();
      if (v) return v;
    } catch {
      // not there yet (e.g. the database is being created)
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The experiment directory of test-001 below `results`, or null. */
export const expDirIn = (results: string) => {
  const d = existsSync(results) ? readdirSync(results).filter((n) => n.endsWith('-test-001')) : [];
  return d.length ? join(results, d[0]) : null;
};

/** Every agent launch (command_log.json timestamps), including quarantined attempts. */
export function agentLaunches(expDir: string): number[] {
  const out: number[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'workspace' && e.name !== 'repo' && e.name !== 'config') walk(p);
      else if (e.name === 'command_log.json')
        for (const c of JSON.parse(readFileSync(p, 'utf8')).commands) out.push(Date.parse(c.timestamp));
    }
  };
  walk(expDir);
  return out;
}

/**
 * The one rate-limit pause recorded across `expDirs`: it lasted at least `minMs` and no agent was
 * launched in any of them while it held. Returns every agent launch.
 */
export function expectOnePauseWithoutLaunches(expDirs: string[], minMs: number): number[] {
  const pauses = expDirs.flatMap((d) =>
    dbRows<{ started_at: string; until: string; ended_at: string | null; source: string }>(
      d,
      'SELECT * FROM pauses',
    ),
  );
  expect(pauses).toHaveLength(1);
  expect(pauses[0].source).toBe('agent');
  const [from, to] = [Date.parse(pauses[0].started_at), Date.parse(pauses[0].until)];
  expect(to - from).toBeGreaterThanOrEqual(minMs);
  const launches = expDirs.flatMap(agentLaunches);
  expect(launches.filter((t) => t > from && t < to)).toEqual([]);
  return launches;
}
