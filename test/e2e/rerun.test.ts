// Partial re-execution on a real experiment (the real Claude Code CLI against the scripted model
// server): re-judging with another judge model pays only for the judges and keeps the old set
// reproducible; --dry-run changes nothing; a kill -9 during a rerun is finished by the next one with
// every run judged once per set; --agents --status re-runs exactly the chosen runs; --until agent
// then run gives what one run gives; more tiers and runs add only the new work.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELLO_AGENT, PASS_VERDICT, dbRows, experimentDirs, runArgs } from '../helpers/e2e.js';
import { waitFor } from '../helpers/e2e-runs.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const OTHER_JUDGE = 'claude-sonnet-4-5-20250929';
const FAIL_VERDICT = {
  score: 0.3,
  passed: false,
  reasoning: 'second opinion: not enough',
  criteria_scores: { R001: { score: 1, explanation: 'added' }, R002: { score: 0, explanation: 'untested' } },
};

/** Every file under `dir` with its sha256 (the store included). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const reportsOf = (expDir: string) =>
  ['report.json', 'report.md', 'T0/report.json', 'T0/01/report.json'].map((f) =>
    readFileSync(join(expDir, f), 'utf8'),
  );

describe('scylla rerun', () => {
  let server: ModelServer;
  let tiersDir: string;
  beforeAll(async () => {
    server = await startModelServer({
      agent: HELLO_AGENT,
      judge: {
        default: PASS_VERDICT,
        rules: [{ match: '.', model: OTHER_JUDGE, reply: JSON.stringify(FAIL_VERDICT) }],
      },
    });
    const t0 = { '01-a': {}, '02-b': {}, '03-c': {} };
    tiersDir = buildTestCase({
      repo: gitdir({ 'README.md': '# x\n' }),
      tiers: { T0: t0, T1: { '01-more': {} } },
      language: 'other',
    }).tiersDir;
  });
  afterAll(() => server.close());

  const judgeCalls = (from: number) => server.requests.slice(from).filter((r) => r.kind === 'judge');
  const agentCalls = (from: number) => server.requests.slice(from).filter((r) => r.kind === 'agent');

  it('re-judges with another judge model: judges only, a new set, the old set reproduced byte for byte', async () => {
    const results = tmpDir('scylla-results-');
    const first = await runScylla(
      runArgs(tiersDir, results, { runs: 2, parallel: 3 }),
      scyllaEnv(server.url),
    );
    expect(first.code, first.stderr).toBe(0);
    const [expDir] = experimentDirs(results);
    const before = reportsOf(expDir);
    expect(JSON.parse(before[0]).summary.passed_runs).toBe(6);

    // --dry-run: the plan and its cost, and not one byte changed.
    const files = snapshot(expDir);
    const from0 = server.requests.length;
    const dry = await runScylla(
      ['rerun', expDir, '--judges', '--judge-model', OTHER_JUDGE, '--dry-run'],
      scyllaEnv(server.url),
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would re-judge 6 runs into a new judge set');
    expect(dry.stdout).toMatch(/Estimated cost: \$\d+\.\d{4} \(/);
    expect(server.requests.length).toBe(from0);
    expect(snapshot(expDir)).toEqual(files);

    // A filter that matches nothing: says so, changes nothing.
    const none = await runScylla(['rerun', expDir, '--judges', '--tier', 'T6'], scyllaEnv(server.url));
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No run matches these filters');
    expect(snapshot(expDir)).toEqual(files);

    // Killed mid-way, then the same command again: each run judged once in the new set.
    server.setScript({
      agent: HELLO_AGENT,
      judge: {
        default: PASS_VERDICT,
        rules: [{ match: '.', model: OTHER_JUDGE, reply: JSON.stringify(FAIL_VERDICT) }],
      },
      // The second judgment hangs, so the kill (after the first) always lands before the set is done.
      // (The script's own delayMs slows agent answers only.)
      faults: [{ kind: 'judge', nth: 2, delayMs: 20_000 }],
    });
    const from = server.requests.length;
    const killed = startScylla(
      ['rerun', expDir, '--judges', '--judge-model', OTHER_JUDGE, '--parallel', '1'],
      scyllaEnv(server.url),
    );
    await waitFor('a judgment in the new set', () =>
      dbRows<{ n: number }>(expDir, 'SELECT COUNT(*) AS n FROM verdicts WHERE judge_set = 2')[0].n >= 1
        ? 1
        : 0,
    );
    killed.child.kill('SIGKILL');
    await killed.done;
    server.setScript({
      agent: HELLO_AGENT,
      judge: {
        default: PASS_VERDICT,
        rules: [{ match: '.', model: OTHER_JUDGE, reply: JSON.stringify(FAIL_VERDICT) }],
      },
    });
    const again = await runScylla(
      ['rerun', expDir, '--judges', '--judge-model', OTHER_JUDGE],
      scyllaEnv(server.url),
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('continuing rerun #1');
    expect(again.stdout).toContain('judge set 2: 6 of 6 runs done (now the current judge set');
    // Exactly 6 judge calls across both invocations (a call cut by the kill may be asked again), no agent.
    const calls = judgeCalls(from);
    expect(calls.every((c) => c.model === OTHER_JUDGE)).toBe(true);
    expect(calls.length).toBeGreaterThanOrEqual(6);
    expect(calls.length).toBeLessThanOrEqual(7);
    expect(agentCalls(from)).toHaveLength(0);
    expect(dbRows(expDir, 'SELECT judge_set, COUNT(*) AS n FROM verdicts GROUP BY judge_set')).toEqual([
      { judge_set: 1, n: 6 },
      { judge_set: 2, n: 6 },
    ]);
    expect(
      dbRows(
        expDir,
        'SELECT COUNT(*) AS n FROM judgments WHERE judge_set = 2 AND valid = 1 GROUP BY tier, subtest, run HAVING n > 1',
      ),
    ).toEqual([]);

    // The reports follow the new set; the old set is reproduced byte for byte on request.
    const now = JSON.parse(readFileSync(join(expDir, 'report.json'), 'utf8'));
    expect(now.summary.passed_runs).toBe(0);
    expect(now.judge_set).toEqual({ id: 2, judge_models: [OTHER_JUDGE] });
    expect(existsSync(join(expDir, 'T0/01/run_01/judge/set_02/judge_01/judgment.json'))).toBe(true);
    const old = await runScylla(['report', expDir, '--judge-set', '1'], scyllaEnv(server.url));
    expect(old.code, old.stderr).toBe(0);
    expect(reportsOf(expDir)).toEqual(before);
    const cmp = await runScylla(
      ['report', expDir, '--compare', '--judge-set', '1,2', '--format', 'json'],
      scyllaEnv(server.url),
    );
    expect(cmp.code, cmp.stderr).toBe(0);
    expect(cmp.stdout).toContain('judge set 2');
    const status = await runScylla(['status', expDir], scyllaEnv(server.url));
    expect(status.stdout).toMatch(/rerun #1 judges: 6 runs, completed/);
  });

  it('--agents --status infra_failed re-runs exactly those runs; more tiers and runs add only the new work', async () => {
    const results = tmpDir('scylla-results-');
    // The first agent request of each of two runs fails on the server side: those runs are infra failures.
    server.setScript({
      agent: HELLO_AGENT,
      judge: { default: PASS_VERDICT },
      faults: [{ kind: 'agent', nth: 1, status: 500 }],
    });
    const args = runArgs(
      tiersDir,
      results,
      { runs: 1, parallel: 1 },
      '--max-subtests',
      '2',
      '--skip-validation',
    );
    const first = await runScylla(args, scyllaEnv(server.url, { SCYLLA_AGENT_MAX_RETRIES: '0' }));
    const [expDir] = experimentDirs(results);
    const failed = dbRows<{ subtest: string }>(
      expDir,
      "SELECT subtest FROM runs WHERE state = 'infra_failed'",
    );
    expect(first.code, first.stderr).toBe(4);
    expect(failed).toHaveLength(1);
    server.setScript({ agent: HELLO_AGENT, judge: { default: PASS_VERDICT } });
    const from = server.requests.length;
    const rerun = await runScylla(
      ['rerun', expDir, '--agents', '--status', 'infra_failed'],
      scyllaEnv(server.url),
    );
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`T0/${failed[0].subtest}/run_01`);
    expect(agentCalls(from).length).toBe(2); // one run, two turns
    expect(dbRows(expDir, "SELECT COUNT(*) AS n FROM runs WHERE state = 'cleaned'")).toEqual([{ n: 2 }]);

    // More runs and another tier: only the new runs are made.
    const grown = await runScylla(
      runArgs(tiersDir, results, { runs: 2, parallel: 2 }, '--max-subtests', '2', '--tiers', 'T0', 'T1'),
      scyllaEnv(server.url),
    );
    expect(grown.code, grown.stderr).toBe(0);
    expect(experimentDirs(results)).toEqual([expDir]);
    const rows = dbRows<{ tier: string; attempt: number }>(
      expDir,
      'SELECT tier, attempt FROM runs ORDER BY tier, subtest, run',
    );
    expect(rows.map((r) => r.tier)).toEqual(['T0', 'T0', 'T0', 'T0', 'T1', 'T1']);
    expect(dbRows(expDir, "SELECT COUNT(*) AS n FROM transitions WHERE to_state = 'finalized'")).toEqual([
      { n: 6 },
    ]);
  });

  it('--until agent, then run, gives the results of one run', async () => {
    const one = tmpDir('scylla-results-');
    const split = tmpDir('scylla-results-');
    const env = scyllaEnv(server.url);
    const a = await runScylla(runArgs(tiersDir, one, { runs: 1, parallel: 3 }), env);
    expect(a.code, a.stderr).toBe(0);
    const b1 = await runScylla(runArgs(tiersDir, split, { runs: 1, parallel: 3 }, '--until', 'agent'), env);
    expect(b1.code, b1.stderr).toBe(0);
    const [splitDir] = experimentDirs(split);
    expect(dbRows(splitDir, 'SELECT DISTINCT state FROM runs')).toEqual([{ state: 'diff_captured' }]);
    const from = server.requests.length;
    const b2 = await runScylla(runArgs(tiersDir, split, { runs: 1, parallel: 3 }), env);
    expect(b2.code, b2.stderr).toBe(0);
    expect(agentCalls(from)).toHaveLength(0);
    const results = (d: string) =>
      dbRows(
        d,
        'SELECT tier, subtest, run, state, passed, score, grade, agent_outcome FROM runs ORDER BY tier, subtest, run',
      );
    expect(results(splitDir)).toEqual(results(experimentDirs(one)[0]));
    const diff = (d: string) => readFileSync(join(d, 'T0/01/run_01/diff.patch'), 'utf8');
    expect(diff(splitDir)).toBe(diff(experimentDirs(one)[0]));
  });

  it('repair rebuilds an equivalent store from the run directories; clean frees worktrees and keeps every diff', async () => {
    const results = tmpDir('scylla-results-');
    const made = await runScylla(
      runArgs(tiersDir, results, { runs: 1, parallel: 3 }, '--keep-workspaces'),
      scyllaEnv(server.url),
    );
    expect(made.code, made.stderr).toBe(0);
    const [expDir] = experimentDirs(results);
    const copy = join(tmpDir('scylla-copy-'), 'exp');
    cpSync(expDir, copy, { recursive: true });
    rmSync(join(copy, 'scylla.db'));
    const check = await runScylla(['repair', copy], scyllaEnv(server.url));
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('store missing');
    expect(existsSync(join(copy, 'scylla.db'))).toBe(false); // nothing changed without --apply
    const fixed = await runScylla(['repair', copy, '--apply'], scyllaEnv(server.url));
    expect(fixed.code, fixed.stderr).toBe(0);
    const cols =
      'tier, subtest, run, state, attempt, passed, score, grade, cost_usd, agent_outcome, branch, agent_commit';
    const q = `SELECT ${cols} FROM runs ORDER BY tier, subtest, run`;
    expect(dbRows(copy, q)).toEqual(dbRows(expDir, q));
    // The same report, but for when it started: a rebuilt store takes that from the log's first line.
    const report = (d: string) => ({
      ...JSON.parse(readFileSync(join(d, 'report.json'), 'utf8')),
      started_at: null,
    });
    expect(report(copy)).toEqual(report(expDir));
    const started = (d: string) =>
      Date.parse(JSON.parse(readFileSync(join(d, 'report.json'), 'utf8')).started_at);
    expect(Math.abs(started(copy) - started(expDir))).toBeLessThan(5000);
    expect(readFileSync(join(copy, 'T0/report.md'), 'utf8')).toBe(
      readFileSync(join(expDir, 'T0/report.md'), 'utf8'),
    );
    const again = await runScylla(['repair', copy], scyllaEnv(server.url));
    expect(again.stdout).toContain('nothing to repair');

    const diffs = ['01', '02', '03'].map((s) =>
      readFileSync(join(expDir, `T0/${s}/run_01/diff.patch`), 'utf8'),
    );
    const dry = await runScylla(['clean', expDir, '--dry-run'], scyllaEnv(server.url));
    expect(dry.stdout).toMatch(/Would free \d+\.\d MiB/);
    expect(existsSync(join(expDir, 'T0/01/run_01/workspace'))).toBe(true);
    const clean = await runScylla(['clean', expDir], scyllaEnv(server.url));
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/Freed \d+\.\d MiB/);
    for (const s of ['01', '02', '03'])
      expect(existsSync(join(expDir, `T0/${s}/run_01/workspace`))).toBe(false);
    expect(
      ['01', '02', '03'].map((s) => readFileSync(join(expDir, `T0/${s}/run_01/diff.patch`), 'utf8')),
    ).toEqual(diffs);
    expect(dbRows(expDir, 'SELECT DISTINCT state FROM runs')).toEqual([{ state: 'cleaned' }]);
    for (const r of dbRows<{ branch: string; agent_commit: string }>(
      expDir,
      'SELECT branch, agent_commit FROM runs',
    ))
      expect(git(join(expDir, 'repo'), 'rev-parse', r.branch)).toBe(r.agent_commit);
  });
});
