// `scylla view` at scale, for `npm run bench`: a results directory with a 10,000-run experiment
// (one run with a 5 MB transcript) and 50 small experiments, served by the real CLI in a child
// process. Measures what a person waits for — the first page, an experiment's page, a run's page,
// a deep page of the runs table, the whole 5 MB transcript — and the server's memory.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildViewExperiment } from '../test/view/synthetic-view.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'scylla.js');
const BIG = '2026-01-01T00-00-00-big';

/** Table rows: what, measured, target and note. */
export type BenchRow = [string, string, string];

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
export async function viewBench(work: string): Promise<BenchRow[]> {
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
  // Serve as an installed package does: from the build (bin/scylla.js takes dist/ when it is fresh).
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  const child = spawn(process.execPath, [BIN, 'view', results, '--port', '0'], {
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
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    const mb = (x: number) => `${(x / 1024).toFixed(0)} MB`;
    return [
      [
        `view: data (10,000-run experiment + 50 small ones)`,
        `${(built / 1000).toFixed(1)} s`,
        'build time, not a target',
      ],
      [
        'view: first page, cold (51 stores opened)',
        ms(first),
        'target ≤ 1000 ms (HTML + /api/experiments + assets)',
      ],
      ['view: first page, warm', ms(firstWarm), 'target ≤ 1000 ms'],
      ['view: experiment page, 10,000 runs', ms(expPage), 'target ≤ 1000 ms (HTML, progress, first 50 runs)'],
      ['view: its report numbers, cold', ms(report), 'reads 10,000 run_result.json once per store version'],
      ['view: its 5 charts', ms(charts), 'vega → SVG, once per store version'],
      [
        'view: 3 deep/sorted pages of 10,000 runs',
        ms(deep),
        'score from offset 4000, turns, judge spread from 9000',
      ],
      [
        'view: run page (5 MB transcript)',
        ms(runPage),
        'target ≤ 1000 ms (HTML, detail, first 256 kB window, diff, judges, diff2html)',
      ],
      [
        'view: whole 5 MB transcript',
        ms(transcript),
        `${windows} windows of ≤ 256 kB, rendered as they come`,
      ],
      ['view: transcript search, 500 runs', ms(search), 'bounded scan of stdout.log files'],
      [
        'view: server RSS (idle → after all above, peak)',
        `${mb(rss)}`,
        `target ≤ 200 MB; idle ${mb(idle)}, peak ${mb(peak)}`,
      ],
    ];
  } finally {
    child.kill('SIGTERM');
  }
}
