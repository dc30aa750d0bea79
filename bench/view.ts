// `scylla view` at scale, for `npm run bench`: a results directory with a 10,000-run experiment
// (one run with a 5 MB transcript) and 50 small experiments, served by the real CLI in a child
// process. Measures what a person waits for — the first page, an experiment's page, a run's page,
// a deep page of the runs table, the whole 5 MB transcript — and the server's memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildViewExperiment } from '../test/view/synthetic-view.js';
import type { Row } from './kit.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'scylla.js');
const BIG = '2026-01-01T00-00-00-big';

async function timed(url: string, paths: string[]): Promise<number> {
  const t = performance.now();
  await Promise.all(
    paths.map(async (p) => {
      const r = await fetch(url + p);
      if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    }),
  );
  return performance.now() - t;
}

const kb = (pid: number, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** Build the data under `work`, serve it, measure; returns the table's rows. */
export async function viewBench(work: string): Promise<Row[]> {
  const results = join(work, 'view-results');
  const t0 = performance.now();
  const big = { '00': 500, '01': 500, '02': 500, '03': 500, '04': 500 };
  buildViewExperiment(join(results, BIG), {
    experimentId: 'big',
    tiers: { T0: big, T1: big, T2: big, T3: big },
    bigTranscriptBytes: 5 << 20,
  });
  for (let i = 0; i < 50; i++)
    buildViewExperiment(
      join(
        results,
        `2026-02-${String(1 + (i % 28)).padStart(2, '0')}T00-00-${String(i).padStart(2, '0')}-small${i}`,
      ),
      {
        experimentId: `small-${i}`,
        tiers: { T0: { '00': 5, '01': 5 } },
      },
    );
  const built = performance.now() - t0;
  const child = spawn(BIN, ['view', results, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /http:\/\/\S+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('close', (c) => reject(new Error(`scylla view exited ${c}`)));
    });
    const pid = child.pid!;
    const idle = kb(pid, 'VmRSS');
    const first = await timed(url, [
      '',
      'api/experiments',
      'assets/app.css',
      'assets/lib.js',
      'assets/page-experiments.js',
    ]);
    const firstWarm = await timed(url, ['', 'api/experiments']);
    const e = `api/experiments/${BIG}`;
    const expPage = await timed(url, [`e/${BIG}`, e, `${e}/runs?limit=50`]);
    const report = await timed(url, [`${e}/report`]);
    const charts = await timed(
      url,
      ['chart-tier-score', 'chart-tier-pass', 'chart-tier-cop', 'chart-scatter', 'chart-heatmap'].map(
        (c) => `${e}/charts/${c}.svg`,
      ),
    );
    const deep = await timed(url, [
      `${e}/runs?status=passed&sort=score&order=desc&offset=4000&limit=50`,
      `${e}/runs?sort=turns&order=desc&limit=50`,
      `${e}/runs?sort=agreement&order=desc&offset=9000&limit=50`,
    ]);
    const r = `${e}/runs/T0/00/1`;
    const runPage = await timed(url, [
      `e/${BIG}/T0/00/run_01`,
      r,
      `${r}/transcript?from=0`,
      `${r}/diff`,
      `${r}/judges`,
      'assets/vendor/diff2html-ui.js',
    ]);
    let from = 0;
    let windows = 0;
    const t = performance.now();
    for (;;) {
      const w = (await (await fetch(`${url}${r}/transcript?from=${from}`)).json()) as {
        next: number;
        eof: boolean;
      };
      windows++;
      if (w.eof) break;
      from = w.next;
    }
    const transcript = performance.now() - t;
    const search = await timed(url, [`${e}/search?q=needle-1999&tier=T0&subtest=00`]);
    const rss = kb(pid, 'VmRSS');
    const peak = kb(pid, 'VmHWM');
    const le = (value: number) => ({ op: '≤' as const, value });
    return [
      {
        what: 'view: data (10,000-run experiment + 50 small ones)',
        measured: built / 1000,
        unit: 's',
        target: null,
        note: 'build time',
      },
      {
        what: 'view: first page, cold (51 stores opened)',
        measured: first,
        unit: 'ms',
        target: le(1000),
        note: 'HTML + /api/experiments + assets',
      },
      { what: 'view: first page, warm', measured: firstWarm, unit: 'ms', target: le(1000) },
      {
        what: 'view: experiment page, 10,000 runs',
        measured: expPage,
        unit: 'ms',
        target: le(1000),
        note: 'HTML, progress, first 50 runs',
      },
      {
        what: 'view: its report numbers, cold',
        measured: report,
        unit: 'ms',
        target: null,
        note: 'reads 10,000 run_result.json once per store version',
      },
      {
        what: 'view: its 5 charts',
        measured: charts,
        unit: 'ms',
        target: null,
        note: 'vega → SVG, once per store version',
      },
      { what: 'view: 3 deep/sorted pages of 10,000 runs', measured: deep, unit: 'ms', target: null },
      {
        what: 'view: run page (5 MB transcript)',
        measured: runPage,
        unit: 'ms',
        target: le(1000),
        note: 'HTML, detail, first 256 kB window, diff, judges',
      },
      {
        what: 'view: whole 5 MB transcript',
        measured: transcript,
        unit: 'ms',
        target: null,
        note: `${windows} windows of ≤ 256 kB`,
      },
      { what: 'view: transcript search, 500 runs', measured: search, unit: 'ms', target: null },
      {
        what: 'view: server RSS after all of the above',
        measured: rss / 1024,
        unit: 'MB',
        target: le(200),
        note: `idle ${(idle / 1024).toFixed(0)} MB, peak ${(peak / 1024).toFixed(0)} MB`,
      },
    ];
  } finally {
    child.kill('SIGTERM');
  }
}
