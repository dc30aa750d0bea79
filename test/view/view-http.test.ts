// The viewer's HTTP side on real stores: the JSON API the pages use (experiments, progress, runs
// pages with filters and sorts, run detail, transcript windows, judges, diff, search, compare),
// live events from the store's change signal, and that nothing in the results directory changes.
import { readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { startViewServer, type ViewServer } from '../../src/view/server.js';
import { tmpDir } from '../helpers/tmp.js';
import { buildViewExperiment } from './synthetic-view.js';

const A = '2026-01-02T03-04-05-alpha';
const B = '2026-01-03T03-04-05-beta';
let results: string;
let server: ViewServer;

/** Every file below `dir` with its size and mtime. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = join(e.parentPath, e.name);
      const s = statSync(p);
      return `${p}:${s.size}:${s.mtimeMs}`;
    })
    .sort();
}

export async function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const api = async (path: string) => {
  const r = await get(`${server.url.replace(/\/$/, '')}${path}`);
  expect(r.status, `${path}: ${r.body.slice(0, 300)}`).toBe(200);
  return JSON.parse(r.body);
};

let before: string[];
beforeAll(async () => {
  results = tmpDir('scylla-view-');
  buildViewExperiment(join(results, A), {
    experimentId: 'alpha',
    tiers: { T0: { '00': 6, '01': 5 }, T1: { '01': 6 } },
    bigTranscriptBytes: 600_000,
  });
  buildViewExperiment(join(results, B), {
    experimentId: 'beta',
    tiers: { T0: { '00': 4, '01': 4 } },
    unfinished: false,
  });
  before = snapshot(results);
  server = await startViewServer({ dir: results, port: 0, pollMs: 100 });
});
afterAll(() => server?.close());

describe('the JSON API', () => {
  it('lists the experiments with status, counts, pass rate, cost and times', async () => {
    const r = await api('/api/experiments');
    expect(r.experiments.map((e: { name: string }) => e.name)).toEqual([B, A]);
    const a = r.experiments.find((e: { name: string }) => e.name === A);
    expect(a).toMatchObject({
      experimentId: 'alpha',
      status: 'completed',
      runs: { total: 17, running: 1, queued: 1, redo: 1, done: 14 },
    });
    expect(a.costUsd).toBeGreaterThan(0);
    expect(a.passRate).toBeGreaterThan(0);
  });

  it('answers an experiment with its runs in flight and its budget', async () => {
    const p = await api(`/api/experiments/${A}`);
    expect(p.active.map((x: { run: string }) => x.run)).toEqual(['T0/00/run_06']);
    expect(p.active[0].activity).toBe('running agent');
    expect(p.budget).toMatchObject({ capUsd: 500 });
    const report = await api(`/api/experiments/${A}/report`);
    expect(report.children.map((t: { tier: string }) => t.tier)).toEqual(['T0', 'T1']);
  });

  it('pages runs with filters and sorts, bounded', async () => {
    const all = await api(`/api/experiments/${A}/runs?limit=5`);
    expect(all).toMatchObject({ total: 17, offset: 0, limit: 5 });
    expect(all.rows).toHaveLength(5);
    const passed = await api(`/api/experiments/${A}/runs?status=passed&limit=100`);
    expect(passed.rows.every((r: { passed: boolean }) => r.passed)).toBe(true);
    const failed = await api(`/api/experiments/${A}/runs?status=failed&limit=100`);
    expect(passed.total + failed.total).toBe(14);
    const byScore = await api(`/api/experiments/${A}/runs?status=finished&sort=score&order=desc&limit=100`);
    const scores = byScore.rows.map((r: { score: number }) => r.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    const byTurns = await api(`/api/experiments/${A}/runs?status=finished&sort=turns&limit=100&minTurns=3`);
    const turns = byTurns.rows.map((r: { turns: number }) => r.turns);
    expect(turns.length).toBeGreaterThan(0);
    expect(turns).toEqual([...turns].sort((x, y) => x - y));
    expect(Math.min(...turns)).toBeGreaterThanOrEqual(3);
    const spread = await api(`/api/experiments/${A}/runs?tier=T1&sort=agreement&order=desc&limit=3`);
    expect(spread.rows[0].scoreSpread).toBeGreaterThan(0);
    expect(spread.rows.every((r: { tier: string }) => r.tier === 'T1')).toBe(true);
    expect((await get(`${server.url}api/experiments/${A}/runs?limit=100000`)).status).toBe(400);
  });

  it('gives a run, its judges side by side with the consensus, and its diff', async () => {
    const base = `/api/experiments/${A}/runs/T0/01/2`;
    const d = await api(base);
    expect(d).toMatchObject({ label: 'T0/01/run_02', dir: 'T0/01/run_02', row: { state: 'cleaned' } });
    expect(d.taskPrompt.text).toContain('Hello, World!');
    expect(d.pipeline.steps[0]).toMatchObject({ name: 'compileall', status: 'passed' });
    expect(d.provenance.model.text).toContain('claude-sonnet-4-5');
    expect(d.files.map((f: { path: string }) => f.path)).toContain('T0/01/run_02/agent/stdout.log');
    const j = await api(`${base}/judges`);
    expect(j.judges.map((x: { number: number }) => x.number)).toEqual([1, 2]);
    expect(j.judges[1].reasoning).toBe('judge 2 reasons about T0/01/run_02');
    expect(j.judges[0].criteria.R001.explanation).toBe('R001 by judge 1');
    expect(j.consensus.reasoning).toBe('consensus on T0/01/run_02');
    expect(j.criteria).toEqual(['R001', 'R002']);
    expect((await get(`${server.url}${base.slice(1)}/judges?set=2`)).status).toBe(404);
    const diff = await api(`${base}/diff`);
    expect(diff.patch).toContain('+++ b/hello.py');
  });

  it('reads a transcript in windows, with tool calls, a sub-agent, a skill and cost per turn', async () => {
    const t = `/api/experiments/${A}/runs/T0/01/run_01/transcript`;
    const w = await api(t);
    expect(w.eof).toBe(true);
    const kinds = w.events.map((e: { kind: string }) => e.kind);
    expect(kinds).toContain('init');
    expect(kinds).toContain('result');
    const uses = w.events.filter((e: { kind: string }) => e.kind === 'tool_use');
    expect(uses.map((e: { name: string; role: string }) => `${e.name}:${e.role}`)).toEqual([
      'Bash:tool',
      'Skill:skill',
      'Task:subagent',
      'Read:tool',
    ]);
    expect(uses[3].parent).toBe(uses[2].id);
    const usage = w.events.find((e: { kind: string }) => e.kind === 'usage');
    expect(usage.costUsd).toBeGreaterThan(0);
    // The 600 kB transcript comes in bounded windows that together are the whole file.
    const big = `/api/experiments/${A}/runs/T0/00/run_01/transcript`;
    let from = 0;
    let windows = 0;
    let results = 0;
    for (;;) {
      const x = await api(`${big}?from=${from}&max=65536`);
      windows++;
      results += x.events.filter((e: { kind: string }) => e.kind === 'tool_result').length;
      expect(x.next - x.from).toBeLessThan(65536 + 4096);
      if (x.eof) break;
      from = x.next;
    }
    expect(windows).toBeGreaterThan(8);
    expect(results).toBeGreaterThan(200);
  });

  it('searches the transcripts of a tier', async () => {
    const r = await api(`/api/experiments/${A}/search?q=needle-42&tier=T0`);
    expect(r.matches.map((m: { label: string }) => m.label)).toEqual(['T0/00/run_01']);
    expect(r.matches[0].snippet).toContain('needle-42');
    const none = await api(`/api/experiments/${A}/search?q=needle-42&tier=T1`);
    expect(none.matches).toEqual([]);
  });

  it('compares two experiments per tier and subtest; an unknown judge set is a 404', async () => {
    const c = await api(`/api/compare?a=${A}&b=${B}`);
    expect(c.tiers.map((t: { tier: string }) => t.tier)).toEqual(['T0', 'T1']);
    expect(c.tiers[0].a_minus_b).toHaveProperty('median_score_diff_ci');
    expect(c.subtests.map((s: { tier: string; subtest: string }) => `${s.tier}/${s.subtest}`)).toEqual([
      'T0/00',
      'T0/01',
      'T1/01',
    ]);
    expect(c.judge_sets.a).toEqual({ selected: 1, available: [1] });
    expect((await get(`${server.url}api/compare?a=${A}&b=${B}&judgesB=2`)).status).toBe(404);
  });

  it('renders every chart of the report as SVG', async () => {
    const r = await get(`${server.url}api/experiments/${A}/charts/chart-tier-score.svg`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/svg+xml');
    expect(r.body).toContain('<svg');
  });
});

describe('live updates', () => {
  it('sends an event when another process commits to a watched store', async () => {
    const events: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}api/events?exp=${B}`, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          events.push(c);
          if (c.includes('event: hello')) {
            // Like a resumed `scylla run`: a writer opens the store and commits.
            const store = new Store(join(results, B, 'scylla.db'));
            store.setExperimentStatus('completed');
            store.close();
          }
          if (c.includes('event: experiment\n')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => (events.length ? undefined : reject(e)));
      req.end();
    });
    await done;
    expect(events.join('')).toContain(`"name":"${B}"`);
    before = snapshot(results); // that writer changed B's store on purpose
  });
});

describe('read-only', () => {
  it('leaves every file of the results directory as it was (no -shm/-wal beside a store)', async () => {
    for (const p of [
      '/',
      `/e/${A}`,
      `/e/${A}/T0/00/run_01`,
      '/api/experiments',
      `/api/experiments/${A}/runs?limit=500`,
      `/raw/${A}/T0/00/run_01/agent/stdout.log`,
    ])
      expect((await get(`${server.url.replace(/\/$/, '')}${p}`)).status).toBe(200);
    const after = snapshot(results).filter((f) => !f.includes(`${B}/scylla.db`));
    expect(after).toEqual(before.filter((f) => !f.includes(`${B}/scylla.db`)));
    expect(after.some((f) => /scylla\.db-(shm|wal)/.test(f) && f.includes(A))).toBe(false);
  });
});
