// Reports of a real 2-tier experiment (`scylla run` with the real Claude Code CLI against the
// scripted model server): every relative link of every report resolves, `scylla report`
// regenerates byte-identical JSON, and export / compare work on it.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as exportCmd } from '../../src/cli/commands/export.js';
import { run as reportCmd } from '../../src/cli/commands/report.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const HELLO = { tool: 'Bash', input: { command: `printf 'print("Hello, World!")\\n' > hello.py` } };
const VERDICT = {
  score: 1,
  passed: true,
  reasoning: 'hello.py prints Hello, World!',
  criteria_scores: {
    R001: { score: 1, explanation: 'added' },
    R002: { score: 1, explanation: 'correct output' },
  },
};

/** Every report.md and report.html under `dir` (not inside the base clone or workspaces). */
function reportFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (!['repo', 'workspace', 'agent', 'judge', '.failed'].includes(e)) out.push(...reportFiles(p));
    } else if (e === 'report.md' || e === 'report.html') out.push(p);
  }
  return out;
}

function links(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const re = file.endsWith('.html') ? /href="([^"]+)"/g : /\]\(([^)\s]+)\)/g;
  return [...text.matchAll(re)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#'));
}

function jsonReports(expDir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of reportFiles(expDir).filter((f) => f.endsWith('report.md')))
    m.set(relative(expDir, f), readFileSync(join(dirname(f), 'report.json'), 'utf8'));
  return m;
}

describe('reports of a real 2-tier experiment', () => {
  let server: ModelServer;
  let expDir: string;
  let results: string;
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    server = await startModelServer({
      agent: { steps: [HELLO, { text: 'Created hello.py.' }] },
      judge: { default: VERDICT },
    });
    const repo = gitdir({ 'README.md': '# greeter\n' });
    const { tiersDir } = buildTestCase({
      repo,
      tiers: {
        T0: { '00-empty': { system_prompt_mode: 'none' }, '01-vanilla': {} },
        T1: { '01-quality': { resources: { skills: { categories: ['quality'] } } } },
      },
    });
    results = tmpDir('scylla-report-e2e-');
    const r = await runScylla(
      [
        'run',
        '--tiers-dir',
        tiersDir,
        '--tiers',
        'T0',
        'T1',
        '--runs',
        '1',
        '--parallel',
        '3',
        '--results-dir',
        results,
      ],
      scyllaEnv(server.url),
    );
    expect(r.code, r.stderr).toBe(0);
    expDir = join(results, readdirSync(results)[0]);
  }, 120_000);
  afterAll(() => server.close());

  /** Run a command function with stdout captured. */
  async function capture(fn: () => Promise<number>): Promise<{ code: number; stdout: string }> {
    out.length = 0;
    process.stdout.write = (chunk: string | Uint8Array) => (out.push(String(chunk)), true);
    try {
      const code = await fn();
      return { code, stdout: out.join('') };
    } finally {
      process.stdout.write = write;
    }
  }

  it('scylla report writes every level, and every relative link of every report resolves', async () => {
    expect((await capture(() => reportCmd({ dirs: [expDir] }))).code).toBe(0);
    for (const f of [
      'report.md',
      'report.json',
      'report.html',
      'T0/report.md',
      'T0/00/report.json',
      'T1/01/run_01/report.md',
    ])
      expect(existsSync(join(expDir, f)), f).toBe(true);
    const files = reportFiles(expDir);
    expect(files.length).toBe(1 + 2 + 3 + 3 + 1); // root md+html, 2 tiers, 3 subtests, 3 runs
    let checked = 0;
    const broken: string[] = [];
    for (const f of files)
      for (const l of links(f)) {
        checked++;
        const target = resolve(dirname(f), decodeURIComponent(l));
        if (!existsSync(target)) broken.push(`${relative(expDir, f)} → ${l}`);
      }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it('scylla report reproduces byte-identical JSON reports', async () => {
    await capture(() => reportCmd({ dirs: [expDir], format: 'json' }));
    const first = jsonReports(expDir);
    expect(first.size).toBe(9);
    for (const f of first.keys()) if (!f.includes('run_')) rmSync(join(expDir, dirname(f), 'report.json'));
    await capture(() => reportCmd({ dirs: [expDir], format: ['md', 'json'] }));
    expect(jsonReports(expDir)).toEqual(first);
    const root = JSON.parse(first.get('report.md')!);
    expect(root.summary).toMatchObject({ total_tiers: 2, total_runs: 3, passed_runs: 3 });
  });

  it('rejects an unknown format and a directory that is not an experiment', async () => {
    await expect(reportCmd({ dirs: [expDir], format: 'pdf' })).rejects.toThrow(/unknown format 'pdf'/);
    await expect(reportCmd({ dirs: [results] })).rejects.toThrow(/not an experiment directory/);
  });

  it('exports one row per run (CSV, JSONL) and one per judgment', async () => {
    const csv = (await capture(() => exportCmd({ dir: expDir, format: 'csv' }))).stdout.trim().split('\n');
    expect(csv).toHaveLength(4);
    const head = csv[0].split(',');
    for (const c of [
      'tier',
      'subtest',
      'run',
      'score',
      'passed',
      'grade',
      'input_tokens',
      'cost_usd',
      'duration_seconds',
      'judge_1_score',
      'criterion_R001',
    ])
      expect(head).toContain(c);
    const rows = (await capture(() => exportCmd({ dir: expDir, format: 'jsonl' }))).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => `${r.tier}/${r.subtest}/${r.run}`)).toEqual(['T0/00/1', 'T0/01/1', 'T1/01/1']);
    expect(rows[0]).toMatchObject({ passed: true, score: 1, judge_1_score: 1, criterion_R002: 1 });
    const judgments = (
      await capture(() => exportCmd({ dir: expDir, format: 'jsonl', judgments: true }))
    ).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(judgments).toHaveLength(3);
    expect(judgments.every((j) => j.counted === true && j.valid === true)).toBe(true);
  });

  it('compares two experiments tier by tier', async () => {
    const md = (await capture(() => reportCmd({ dirs: [expDir, expDir], compare: true }))).stdout;
    expect(md).toContain('# Comparison:');
    expect(md).toMatch(/\| T0 \| 00 \| 1\.000 .*\| \+0\.000 \[\+0\.000, \+0\.000\] \|/);
    const json = JSON.parse(
      (await capture(() => reportCmd({ dirs: [expDir, expDir], compare: true, format: 'json' }))).stdout,
    );
    expect(json.tiers.map((t: { tier: string }) => t.tier)).toEqual(['T0', 'T1']);
    expect(json.tiers[1].a_minus_b).toMatchObject({ median_score_diff: 0, fisher_p: 1 });
  });
});
