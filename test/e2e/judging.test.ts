// Issue 4, end to end: several judge models and honest consensus, a judge rate limit that pauses
// and retries, the Claude Code CLI as a judge transport, and the per-language build pipeline.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUDGE_MARKER } from '../helpers/model-server-judge.js';
import { HELLO_STEP as HELLO, HELLO_AGENT as AGENT, dbRows as rows, runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const verdict = (r001: number, r002: number, passed: boolean) => ({
  score: (r001 + 2 * r002) / 3,
  passed,
  reasoning: passed ? 'looks right' : 'output is wrong',
  criteria_scores: {
    R001: { score: r001, explanation: 'file' },
    R002: { score: r002, explanation: 'output' },
  },
});
const OPUS = 'claude-opus-4-5-20251101';
const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ agent: AGENT });
});
afterAll(() => server.close());

const onlyExp = (results: string) =>
  join(
    results,
    readdirSync(results).find((d) => d.endsWith('-test-001'))!,
  );
const runDirOf = (results: string) => join(onlyExp(results), 'T0', '01', 'run_01');
async function runOne(
  extra: string[],
  opts: { language?: string; repo?: Record<string, string>; env?: Record<string, string> } = {},
) {
  const repo = gitdir(opts.repo ?? { 'README.md': '# greeter\n' });
  const { tiersDir } = buildTestCase({
    repo,
    tiers: { T0: { '01-vanilla': {} } },
    language: opts.language ?? 'other',
  });
  const results = tmpDir('scylla-results-');
  const r = await runScylla(
    runArgs(tiersDir, results, { runs: 1 }, ...extra),
    scyllaEnv(server.url, opts.env),
  );
  return { r, results };
}

describe('judging', () => {
  it('three judges voting pass / fail / invalid: mean of the two valid, a 1-1 split fails, criteria kept', async () => {
    server.setScript({
      agent: AGENT,
      judge: {
        rules: [
          { model: OPUS, reply: verdict(1, 1, true) },
          { model: SONNET, reply: verdict(1, 0, false) },
          { model: HAIKU, reply: 'no JSON here, sorry' },
        ],
      },
    });
    const { r, results } = await runOne([
      '--judge-model',
      OPUS,
      '--judge-model',
      SONNET,
      '--judge-model',
      HAIKU,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const runDir = runDirOf(results);
    const result = JSON.parse(readFileSync(join(runDir, 'run_result.json'), 'utf8'));
    expect(result.judges.map((j: { valid: boolean }) => j.valid)).toEqual([true, true, false]);
    expect(result.judge_score).toBeCloseTo((1 + 1 / 3) / 2, 6); // recomputed from the rubric items (R002 weighs 2)
    expect(result.judge_passed).toBe(false); // 1 pass, 1 fail: no strict majority
    expect(result.criteria_scores.R001.score).toBe(1);
    expect(result.criteria_scores.R002.score).toBe(0.5);
    expect(result.agreement).toMatchObject({ validJudges: 2, passVotes: 1, failVotes: 1 });
    for (const n of ['01', '02', '03'])
      for (const f of ['prompt.md', 'response.txt', 'judgment.json', 'timing.json', 'MODEL.md'])
        expect(existsSync(join(runDir, 'judge', `judge_${n}`, f)), `judge_${n}/${f}`).toBe(true);
    expect(readFileSync(join(runDir, 'judge', 'judge_03', 'response.txt'), 'utf8')).toContain('no JSON here');
    const report = readFileSync(join(runDir, 'report.md'), 'utf8');
    expect(report).toContain('R002');
    expect(report).toMatch(/R002[^\n]*0\.500/);
  });

  it('a 429 on a judge call pauses the experiment and retries; it never becomes a score', async () => {
    server.setScript({
      agent: AGENT,
      judge: { default: verdict(1, 1, true) },
      faults: [{ kind: 'judge', nth: 1, status: 429, retryAfter: 2 }],
    });
    const from = server.requests.length;
    const { r, results } = await runOne([]);
    expect(r.code, r.stderr).toBe(0);
    const calls = server.requests.slice(from).filter((q) => q.kind === 'judge');
    const isProbe = (q: (typeof calls)[number]) => JSON.stringify(q.body.system).includes('probe');
    // The limited call, one cheap probe when the pause is over, then the judge call again.
    expect(calls.map((q) => (isProbe(q) ? 'probe' : q.status))).toEqual([429, 'probe', 200]);
    expect(calls[1].receivedAt - calls[0].receivedAt).toBeGreaterThanOrEqual(2000);
    const expDir = onlyExp(results);
    expect(rows<{ source: string }>(expDir, 'SELECT source FROM pauses')).toEqual([{ source: 'judge' }]);
    expect(rows<{ n: number }>(expDir, 'SELECT COUNT(*) AS n FROM judgments')[0].n).toBe(1);
    expect(rows<{ passed: number; state: string }>(expDir, 'SELECT passed, state FROM runs')).toEqual([
      { passed: 1, state: 'cleaned' },
    ]);
  });

  it('--judge-transport cli: the judge runs through the Claude Code CLI with no tools, the context on stdin', async () => {
    server.setScript({ agent: AGENT, judge: { default: verdict(1, 1, true) } });
    const from = server.requests.length;
    const { r, results } = await runOne(['--judge-transport', 'cli']);
    expect(r.code, r.stderr).toBe(0);
    const judgeCalls = server.requests.slice(from).filter((q) => q.kind === 'judge');
    expect(judgeCalls).toHaveLength(1);
    const body = judgeCalls[0].body as { tools?: unknown[]; system?: unknown; messages: unknown[] };
    expect(body.tools ?? []).toEqual([]);
    expect(JSON.stringify(body.system)).toContain(JUDGE_MARKER);
    expect(JSON.stringify(body.messages)).toContain('+print(\\"Hello, World!\\")');
    const result = JSON.parse(readFileSync(join(runDirOf(results), 'run_result.json'), 'utf8'));
    expect(result.judge_passed).toBe(true);
  });

  it('python: a failing test the agent wrote is a FAILED pytest step the judge sees, and the baseline shows it is new', async () => {
    const failing = {
      tool: 'Bash',
      input: {
        command: `printf 'def test_hello():\\n    assert 1 == 2, "greeting mismatch"\\n' > test_hello.py`,
      },
    };
    server.setScript({
      agent: { steps: [HELLO, failing, { text: 'Done.' }] },
      judge: { default: verdict(1, 1, true) },
    });
    const { r, results } = await runOne([], {
      language: 'python',
      repo: { 'README.md': '# greeter\n', 'test_base.py': 'def test_base():\n    assert True\n' },
    });
    expect(r.code, r.stderr).toBe(0);
    const expDir = onlyExp(results);
    const baseline = JSON.parse(readFileSync(join(expDir, 'pipeline_baseline.json'), 'utf8'));
    expect(baseline.steps.find((s: { name: string }) => s.name === 'pytest').status).toBe('passed');
    const pipeline = JSON.parse(readFileSync(join(runDirOf(results), 'judge', 'pipeline.json'), 'utf8'));
    const pytest = pipeline.steps.find((s: { name: string }) => s.name === 'pytest');
    expect(pytest.status).toBe('failed');
    expect(pytest.preExisting).toBeFalsy();
    const context = readFileSync(join(runDirOf(results), 'judge', 'context.md'), 'utf8');
    expect(context).toMatch(/pytest[^\n]*FAILED/);
    expect(context).toContain('greeting mismatch');
    expect(context).not.toContain('pre-existing: it fails');
    // The pipeline's caches never reach the agent's diff.
    expect(readFileSync(join(runDirOf(results), 'diff.patch'), 'utf8')).not.toMatch(
      /__pycache__|\.pytest_cache/,
    );
  });

  it('mojo on a machine without mojo: every mojo step is "not available", never a failure', async () => {
    server.setScript({ agent: AGENT, judge: { default: verdict(1, 1, true) } });
    const { r, results } = await runOne([], { language: 'mojo' });
    expect(r.code, r.stderr).toBe(0);
    const pipeline = JSON.parse(readFileSync(join(runDirOf(results), 'judge', 'pipeline.json'), 'utf8'));
    const mojo = pipeline.steps.filter((s: { name: string }) => s.name.startsWith('mojo'));
    expect(mojo.length).toBeGreaterThan(0);
    expect(mojo.every((s: { status: string }) => s.status === 'not_available')).toBe(true);
    expect(readFileSync(join(runDirOf(results), 'judge', 'context.md'), 'utf8')).toMatch(/not available/i);
  });
});
