// `npm run bench`: what Scylla itself costs, apart from the agents and judges it waits for, as one
// table of target, measured and ratio (≤ 1 meets the target), written to bench/results.md with the
// date, the machine and the commit. The git floor is measured in the same run, so the overhead
// ratio holds on a noisy machine. Numbers are wall-clock; an idle machine gives the fair ones.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeAllReports } from '../src/report/write-reports.js';
import { tiersFromStore } from '../src/report/store-tiers.js';
import { Store } from '../src/store/store.js';
import { buildSyntheticExperiment } from '../test/report/synthetic-experiment.js';
import { engineBench } from './engine.js';
import { build, ratio, ROOT, work, type Row } from './kit.js';
import { queueBench } from './queue.js';
import { viewBench } from './view.js';

function storeThroughput(n: number): Row {
  const store = new Store(join(work, 'tx.db'));
  store.initExperiment({ experimentId: 'bench', configJson: '{}', configHash: 'x', version: '0' });
  const keys = Array.from({ length: n }, (_, i) => ({
    tier: 'T0',
    subtest: String(i % 100).padStart(2, '0'),
    run: Math.floor(i / 100) + 1,
  }));
  store.ensureRuns(keys);
  const t = performance.now();
  for (const k of keys) store.transition(k, 'pending', 'workspace_ready', { branch: 'b' });
  const ms = performance.now() - t;
  store.close();
  return {
    what: `store: run transitions (synchronous=FULL), ${n}`,
    measured: (n / ms) * 1000,
    unit: '/s',
    target: null,
  };
}

async function reports(): Promise<Row> {
  const dir = join(work, 'synth');
  const store = buildSyntheticExperiment(dir);
  const t = performance.now();
  await writeAllReports({ store, expDir: dir, config: null, tiers: tiersFromStore(store) });
  store.close();
  return {
    what: 'reports: all JSON + Markdown + HTML (3 tiers)',
    measured: performance.now() - t,
    unit: 'ms',
    target: null,
  };
}

const fmt = (v: number | null, unit: string) =>
  v === null ? '—' : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;

function table(rows: Row[]): string {
  const cells = rows.map((r) => {
    const q = ratio(r);
    return [
      r.what,
      r.target ? `${r.target.op} ${fmt(r.target.value, r.unit)}` : '—',
      fmt(r.measured, r.unit),
      q === null ? '—' : `${q.toFixed(2)}${q <= 1 ? '' : ' MISS'}`,
      r.note ?? '',
    ];
  });
  const head = ['benchmark', 'target', 'measured', 'ratio', 'note'];
  return [head, head.map(() => '---'), ...cells].map((c) => `| ${c.join(' | ')} |`).join('\n');
}

const rows: Row[] = [];
try {
  build();
  rows.push(...(await engineBench()));
  rows.push(storeThroughput(2000));
  rows.push(await reports());
  rows.push(...(await queueBench()));
  rows.push(...(await viewBench(work)));
} finally {
  rmSync(work, { recursive: true, force: true });
}
const text = table(rows);
console.log(text);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
writeFileSync(
  join(ROOT, 'bench', 'results.md'),
  `# Benchmark results\n\n\`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
    `commit ${commit}, ${machine}.\nRatio = measured / target (≤ 1 meets it; for "≥" targets target / measured).\n\n${text}\n`,
);
