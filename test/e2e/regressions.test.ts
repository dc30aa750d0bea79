// Regression tests for defects of the original system (spec §10): each fails on the behaviour the
// spec describes and passes on ours. Real CLI, real git, real SQLite, scripted model server.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELLO_AGENT as AGENT, dbRows as query, PASS_VERDICT as VERDICT, runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ agent: AGENT, judge: { default: VERDICT } });
});
afterAll(() => server.close());

function oneSubtestCase() {
  const repo = gitdir({ 'README.md': '# greeter\n' });
  // No build pipeline: these tests are about resume and judging, not about the language tools.
  return buildTestCase({ repo, tiers: { T0: { '01-vanilla': {} } }, language: 'other' }).tiersDir;
}

function experiments(results: string): string[] {
  return readdirSync(results)
    .filter((d) => d.endsWith('-test-001'))
    .map((d) => join(results, d));
}

const judgeBodies = (from: number) =>
  server.requests.filter((r) => r.kind === 'judge' && r.index > from).map((r) => JSON.stringify(r.body));
const lastIndex = () => server.requests.at(-1)?.index ?? 0;

describe('regressions of the original system', () => {
  it('defect 5: a changed configuration is an error naming what changed, never a silent new experiment', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT } });
    const tiersDir = oneSubtestCase();
    const results = tmpDir('scylla-results-');
    const base = runArgs(tiersDir, results, { runs: 1 });
    const first = await runScylla(base, scyllaEnv(server.url));
    expect(first.code, first.stderr).toBe(0);
    const changed = await runScylla([...base, '--model', 'claude-opus-4-5-20251101'], scyllaEnv(server.url));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('model: "claude-sonnet-4-5-20250929" → "claude-opus-4-5-20251101"');
    expect(changed.stderr).toContain('--fresh');
    expect(experiments(results)).toHaveLength(1);
    // --fresh starts a second directory and leaves the first untouched.
    const fresh = await runScylla(
      [...base, '--model', 'claude-opus-4-5-20251101', '--fresh'],
      scyllaEnv(server.url),
    );
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(experiments(results)).toHaveLength(2);
  });

  it('defects 2 and 3: resuming a finished experiment recognises every run and never rebuilds its workspace', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT } });
    const tiersDir = oneSubtestCase();
    const results = tmpDir('scylla-results-');
    const args = runArgs(tiersDir, results, { runs: 2 }, '--keep-workspaces');
    expect((await runScylla(args, scyllaEnv(server.url))).code).toBe(0);
    const [expDir] = experiments(results);
    const ws = join(expDir, 'T0', '01', 'run_01', 'workspace');
    writeFileSync(join(ws, 'marker.txt'), 'a finalized run is never touched\n');
    const before = lastIndex();
    const transitions = query<{ n: number }>(expDir, 'SELECT COUNT(*) AS n FROM transitions')[0].n;
    const again = await runScylla(args, scyllaEnv(server.url));
    expect(again.code, again.stderr).toBe(0);
    expect(lastIndex()).toBe(before); // no agent or judge request at all
    expect(readFileSync(join(ws, 'hello.py'), 'utf8')).toBe('print("Hello, World!")\n');
    expect(readFileSync(join(ws, 'marker.txt'), 'utf8')).toContain('never touched');
    expect(query<{ n: number }>(expDir, 'SELECT COUNT(*) AS n FROM transitions')[0].n).toBe(transitions);

    // --dry-run with one more run per subtest: says what it would do, and does none of it.
    const dryArgs = args.map((a, i) => (args[i - 1] === '--runs' ? '3' : a));
    const dry = await runScylla([...dryArgs, '--dry-run'], scyllaEnv(server.url));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would resume ${expDir}`);
    expect(dry.stdout).toMatch(/T0\/01 +\S.* +1 +0 +0 +2/);
    expect(lastIndex()).toBe(before);
    expect(query<{ n: number }>(expDir, 'SELECT COUNT(*) AS n FROM runs')[0].n).toBe(2);
  });

  it('defects 8 and 9: the judge sees the criteria, the rubric and the new (untracked) file in the diff', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT } });
    const tiersDir = oneSubtestCase();
    const results = tmpDir('scylla-results-');
    const from = lastIndex();
    // Extra agent arguments from the command line reach the agent's command (and its replay).
    const extra = ['--agent-arg', '--fallback-model', '--agent-arg', 'claude-haiku-4-5-20251001'];
    const r = await runScylla(runArgs(tiersDir, results, { runs: 1 }, ...extra), scyllaEnv(server.url));
    expect(r.code, r.stderr).toBe(0);
    const agentDir = join(experiments(results)[0], 'T0', '01', 'run_01', 'agent');
    const argv = JSON.parse(readFileSync(join(agentDir, 'command_log.json'), 'utf8')).commands[0]
      .command as string[];
    expect(argv.slice(-2)).toEqual(['--fallback-model', 'claude-haiku-4-5-20251001']);
    const [body] = judgeBodies(from);
    expect(body).toContain('Verification: the file is in the diff.'); // criteria.md
    expect(body).toContain('R002'); // rubric items
    expect(body).toContain('hello.py exists in the repository root');
    expect(body).toContain('+print(\\"Hello, World!\\")'); // the new file's content in the diff
    const [expDir] = experiments(results);
    const result = JSON.parse(readFileSync(join(expDir, 'T0', '01', 'run_01', 'run_result.json'), 'utf8'));
    expect(result.criteria_scores.R002.score).toBe(1);
  });

  it('defect 12: a judge that never answers with valid JSON never passes a run; the run is re-judged on resume', async () => {
    server.setScript({ agent: AGENT, judge: { default: 'I think it "passed": true, success!' } });
    const tiersDir = oneSubtestCase();
    const results = tmpDir('scylla-results-');
    const args = runArgs(tiersDir, results, { runs: 1 });
    const from = lastIndex();
    const bad = await runScylla(args, scyllaEnv(server.url));
    expect(bad.code).toBe(4); // incomplete: the run is to be re-judged
    expect(judgeBodies(from)).toHaveLength(3); // first try + 2 retries with a JSON reminder
    const [expDir] = experiments(results);
    expect(query<{ state: string; passed: number | null }>(expDir, 'SELECT state, passed FROM runs')).toEqual(
      [{ state: 'judge_failed', passed: null }],
    );
    server.setScript({ agent: AGENT, judge: { default: VERDICT } });
    const agentRequests = server.requests.filter((r) => r.kind === 'agent').length;
    const good = await runScylla(args, scyllaEnv(server.url));
    expect(good.code, good.stderr + good.stdout).toBe(0);
    expect(server.requests.filter((r) => r.kind === 'agent').length).toBe(agentRequests); // agent not re-run
    expect(query<{ state: string; passed: number }>(expDir, 'SELECT state, passed FROM runs')).toEqual([
      { state: 'cleaned', passed: 1 },
    ]);
  });
});

describe('bad input loses nothing', () => {
  it('an unreachable task repository: exit 1, a message naming it, and no experiment directory left to "resume"', async () => {
    const repo = gitdir({ 'README.md': '# x\n' });
    const { tiersDir } = buildTestCase({ repo, tiers: { T0: { '01-vanilla': {} } }, language: 'other' });
    const results = tmpDir('scylla-results-');
    const missing = join(tmpDir(), 'no-such-repo');
    const r = await runScylla(
      runArgs(tiersDir, results, { runs: 1 }, '--repo', missing),
      scyllaEnv(server.url),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(missing);
    expect(experiments(results)).toEqual([]);
  });

  it('a missing agent binary: exit 1 before anything starts, naming it and how to fix it', async () => {
    const repo = gitdir({ 'README.md': '# x\n' });
    const { tiersDir } = buildTestCase({ repo, tiers: { T0: { '01-vanilla': {} } }, language: 'other' });
    const results = tmpDir('scylla-results-');
    const before = server.requests.length;
    const r = await runScylla(
      runArgs(tiersDir, results, { runs: 1 }, '--agent-bin', '/nonexistent/claude'),
      scyllaEnv(server.url),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/claude is not an executable file');
    expect(r.stderr).toContain('--agent-bin');
    expect(r.stderr).not.toContain('this is a bug');
    expect(experiments(results)).toEqual([]);
    expect(server.requests.length).toBe(before);
  });
});

describe('infrastructure failures', () => {
  it('an agent that cannot start stops the experiment after 3 infrastructure failures, counts nothing, and a fixed rerun redoes the runs', async () => {
    server.setScript({ agent: AGENT, judge: { default: VERDICT } });
    const repo = gitdir({ 'README.md': '# x\n' });
    const { tiersDir } = buildTestCase({
      repo,
      tiers: { T0: { '01-a': {}, '02-b': {} } },
      language: 'other',
    });
    const results = tmpDir('scylla-results-');
    const args = runArgs(tiersDir, results, { runs: 2, parallel: 1 });
    // An executable whose interpreter is missing passes the pre-flight check and fails at every start.
    const agent = join(tmpDir(), 'claude');
    writeFileSync(agent, '#!/nonexistent/interpreter\n', { mode: 0o755 });
    const broken = await runScylla([...args, '--agent-bin', agent], scyllaEnv(server.url));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('3 infrastructure failures in a row');
    expect(broken.stderr).toContain(agent);
    expect(broken.stderr).not.toContain('this is a bug');
    const [expDir] = experiments(results);
    // Runs already holding a workspace slot when the third failure came end the same way.
    expect(
      query<{ state: string }>(expDir, "SELECT state FROM runs WHERE state = 'infra_failed'").length,
    ).toBeGreaterThanOrEqual(3);
    expect(query<{ n: number }>(expDir, 'SELECT COUNT(*) AS n FROM judgments')[0].n).toBe(0);
    const fixed = await runScylla(args, scyllaEnv(server.url));
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(
      query<{ state: string }>(expDir, 'SELECT state FROM runs').every((r) => r.state === 'cleaned'),
    ).toBe(true);
  });
});
