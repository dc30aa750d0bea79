// Pairs of scylla processes opening the same new experiment in the same millisecond: exactly one
// experiment directory each time; one process owns it, the other is told it is busy (exit 3).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';
import { size } from './kit.js';

const PAIRS = size(5, 20);
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** A process that opens the experiment when told to go, holds it briefly, and says what it got. */
const OPENER = `
import { loadTestCase } from '${SRC}fixture/load-test-case.ts';
import { resolveExperimentConfig } from '${SRC}config/resolve-experiment.ts';
import { openExperiment } from '${SRC}engine/open-experiment.ts';
const [tiersDir, resultsDir] = process.argv.slice(2);
const config = resolveExperimentConfig({ tiersDir, resultsDir, tiers: ['T0'], runs: 1 }, loadTestCase(tiersDir));
console.log('ready');
await new Promise((r) => process.stdin.once('data', r));
try {
  const { store, resumed } = openExperiment(config);
  console.log(JSON.stringify({ got: resumed ? 'resumed' : 'created' }));
  await new Promise((r) => setTimeout(r, 500));
  store.release(process.pid);
  store.close();
} catch (e) {
  console.log(JSON.stringify({ got: e.code ?? 'crash', exit: e.exitCode, message: String(e.message) }));
}
`;

interface Opener {
  ready: Promise<void>;
  go: () => void;
  result: Promise<Record<string, unknown>>;
}

function opener(script: string, tiersDir: string, results: string): Opener {
  const child = spawn(process.execPath, ['--import', 'tsx', script, tiersDir, results], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let ready = () => undefined as void;
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (out.startsWith('ready\n')) ready();
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const result = new Promise<Record<string, unknown>>((resolve) =>
    child.on('close', () => {
      ready();
      const last = out.trim().split('\n').pop() ?? '';
      resolve(last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : { got: 'crash', err });
    }),
  );
  return { ready: new Promise((r) => (ready = r)), go: () => child.stdin.end('go\n'), result };
}

describe('reliability: simultaneous starts', () => {
  it(`${PAIRS} pairs started in the same millisecond make one experiment each time`, async () => {
    const dir = tmpDir('scylla-starts-');
    const script = join(dir, 'open.mts');
    writeFileSync(script, OPENER);
    const { tiersDir } = buildTestCase({
      repo: gitdir({ 'README.md': '# x\n' }),
      tiers: { T0: { '00-a': {} } },
      language: 'other',
    });
    let together = 0;
    // Every pair at once (each in its own results directory); both of a pair are let go together.
    const pairs = Array.from({ length: PAIRS }, (_, i) => {
      const results = join(dir, `results-${i}`);
      return { results, both: [opener(script, tiersDir, results), opener(script, tiersDir, results)] };
    });
    await Promise.all(pairs.flatMap((p) => p.both.map((o) => o.ready)));
    for (const p of pairs) for (const o of p.both) o.go();
    for (const [i, p] of pairs.entries()) {
      const got = await Promise.all(p.both.map((o) => o.result));
      if (!existsSync(p.results)) throw new Error(JSON.stringify(got));
      const dirs = readdirSync(p.results).filter((d) => !d.startsWith('.'));
      expect(dirs, `pair ${i}: ${JSON.stringify(got)}`).toHaveLength(1);
      // One made it; the other found it owned (or, if it came late, resumed it once it was free).
      expect(
        got.filter((g) => g.got === 'created'),
        `pair ${i}: ${JSON.stringify(got)}`,
      ).toHaveLength(1);
      expect(['BUSY', 'resumed']).toContain(got.find((g) => g.got !== 'created')?.got);
      const busy = got.find((g) => g.got === 'BUSY');
      if (busy) {
        expect(busy.exit).toBe(3);
        expect(busy.message).toMatch(/pid \d+/); // names the process that owns it
        together++;
      }
    }
    console.log(`simultaneous starts: ${PAIRS} pairs, ${together} met head-on, one experiment each time`);
    expect(together).toBeGreaterThan(0);
  });
});
