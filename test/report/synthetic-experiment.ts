// Builds a synthetic experiment directory for report tests: a real Store with finalized runs
// (via ensureRuns + transition) and their run_result.json files, no agent or judge involved.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ExperimentConfigSchema, type ExperimentConfig } from '../../src/config/experiment-config.js';
import type { RunResult } from '../../src/stats/run-result.js';
import { RUN_STAGES } from '../../src/store/run-state.js';
import { Store } from '../../src/store/store.js';
import { runDir } from '../../src/workspace/paths.js';

/** One synthetic run: consensus score/pass, cost, and the two judges' scores. */
export interface SynthRun {
  score: number;
  passed: boolean;
  cost: number;
  judges: [number, number];
  /** Not a result: the run stays infra_failed. */
  infra?: boolean;
}

/** tier → subtest → runs. */
export type SynthPlan = Record<string, Record<string, SynthRun[]>>;

export const CONFIG: ExperimentConfig = ExperimentConfigSchema.parse({
  experimentId: 'synthetic',
  tiersDir: '/nonexistent/case',
  repo: '/nonexistent/repo',
  commit: '0123456789abcdef0123456789abcdef01234567',
  promptFile: '/nonexistent/prompt.md',
  criteriaFile: null,
  rubricFile: null,
  referencePatch: null,
  resourcesDir: null,
  language: 'python',
  tiers: ['T0', 'T1', 'T2'],
  runs: 4,
  parallel: 2,
  timeoutSeconds: 600,
  maxSubtests: null,
  maxTurns: null,
  model: 'claude-sonnet-4-5-20250929',
  judgeModels: ['judge-a', 'judge-b'],
  judgeTransport: 'api',
  judgeTimeoutSeconds: 600,
  agent: 'claude-code',
  agentBin: null,
  thinking: null,
  maxCostUsd: null,
  resultsDir: '/nonexistent',
  keepWorkspaces: false,
  inputsSha256: { prompt: 'x' },
});

const grade = (s: number) =>
  s >= 1 ? 'S' : s >= 0.8 ? 'A' : s >= 0.6 ? 'B' : s >= 0.4 ? 'C' : s >= 0.2 ? 'D' : 'F';

/** The default plan: T0 has a near-tie (tie-break), T1 wins, T2 never passes (cost-of-pass ∞). */
export const PLAN: SynthPlan = {
  T0: {
    '00': [
      { score: 0.9, passed: true, cost: 0.1, judges: [0.9, 0.9] },
      { score: 0.8, passed: true, cost: 0.1, judges: [0.7, 0.9] },
      { score: 0.7, passed: true, cost: 0.1, judges: [0.8, 0.6] },
      { score: 0.2, passed: false, cost: 0.1, judges: [0.2, 0.2] },
    ],
    '01': [
      { score: 0.88, passed: true, cost: 0.05, judges: [0.88, 0.88] },
      { score: 0.86, passed: true, cost: 0.05, judges: [0.9, 0.82] },
      { score: 0.6, passed: true, cost: 0.05, judges: [0.5, 0.7] },
      { score: 0.1, passed: false, cost: 0.05, judges: [0.1, 0.1] },
    ],
  },
  T1: {
    '01': [
      { score: 1, passed: true, cost: 0.2, judges: [1, 1] },
      { score: 1, passed: true, cost: 0.2, judges: [1, 1] },
      { score: 0.9, passed: true, cost: 0.3, judges: [0.8, 1] },
      { score: 0.95, passed: true, cost: 0.2, judges: [0.9, 1] },
    ],
    '02': [{ score: 0, passed: false, cost: 0, judges: [0, 0], infra: true }],
  },
  T2: {
    '01': [
      { score: 0.3, passed: false, cost: 0.4, judges: [0.3, 0.3] },
      { score: 0.5, passed: false, cost: 0.4, judges: [0.55, 0.45] },
    ],
  },
};

/** Create the experiment in `expDir`; returns the open store (close it when done). */
export function buildSyntheticExperiment(expDir: string, plan: SynthPlan = PLAN): Store {
  mkdirSync(expDir, { recursive: true });
  writeFileSync(join(expDir, 'experiment.json'), JSON.stringify(CONFIG, null, 2));
  writeFileSync(join(expDir, 'prompt.md'), '# Task\n');
  const store = new Store(join(expDir, 'scylla.db'));
  store.initExperiment({
    experimentId: 'synthetic',
    configJson: JSON.stringify(CONFIG),
    configHash: 'h',
    version: '0.0.0',
  });
  // A fixed start time for the golden reports (a test may poke the file; the product never does).
  const raw = new Database(join(expDir, 'scylla.db'));
  raw.prepare("UPDATE experiment SET started_at = '2026-01-02T03:04:05.000Z'").run();
  raw.close();
  for (const [tier, subtests] of Object.entries(plan))
    for (const [subtest, runs] of Object.entries(subtests)) {
      store.putSubtest(
        tier,
        subtest,
        `fp-${tier}-${subtest}`,
        JSON.stringify({ name: `${tier} subtest ${subtest}`, description: `synthetic ${tier}/${subtest}` }),
      );
      store.ensureRuns(runs.map((_, i) => ({ tier, subtest, run: i + 1 })));
      runs.forEach((r, i) => finishRun(store, expDir, tier, subtest, i + 1, r));
    }
  return store;
}

function finishRun(
  store: Store,
  expDir: string,
  tier: string,
  subtest: string,
  run: number,
  r: SynthRun,
): void {
  const key = { tier, subtest, run };
  if (r.infra) {
    store.transition(key, 'pending', 'infra_failed', { failure: 'infra_failed' });
    return;
  }
  const stages = RUN_STAGES.slice(0, RUN_STAGES.indexOf('finalized') + 1);
  for (let i = 1; i < stages.length; i++) {
    const patch =
      stages[i] === 'judged'
        ? {
            score: r.score,
            passed: r.passed ? 1 : 0,
            grade: grade(r.score),
            cost_usd: r.cost,
            agent_duration_ms: 10_000 * run,
            judge_duration_ms: 1_000,
          }
        : stages[i] === 'finalized'
          ? { finalized_at: '2026-01-02T04:00:00.000Z' }
          : {};
    store.transition(key, stages[i - 1], stages[i], patch);
  }
  const dir = runDir(expDir, tier, subtest, run);
  mkdirSync(join(dir, 'judge', 'judge_01'), { recursive: true });
  writeFileSync(
    join(dir, 'diff.patch'),
    `diff --git a/hello.py b/hello.py\n+print("${tier}/${subtest}/${run}")\n`,
  );
  writeFileSync(join(dir, 'task_prompt.md'), '# Task\n');
  writeFileSync(join(dir, 'judge', 'judge_01', 'judgment.json'), '{}');
  const judges = r.judges.map((s, i) => ({
    judge_number: i + 1,
    model: i === 0 ? 'judge-a' : 'judge-b',
    valid: true,
    failure: null,
    score: s,
    passed: s >= 0.6,
    grade: grade(s),
    reasoning: `judge ${i + 1} says ${s}`,
  }));
  const result: RunResult = {
    tier,
    subtest,
    run_number: run,
    attempt: 1,
    agent_failure: 'completed',
    exit_code: 0,
    model: CONFIG.model,
    token_stats: {
      input_tokens: 1000 * run,
      output_tokens: 100 * run,
      cache_creation_tokens: 10,
      cache_read_tokens: 500,
    },
    tokens_input: 1000 * run + 500,
    tokens_output: 100 * run,
    num_turns: 3,
    cost_usd: r.cost,
    cost_source: 'agent',
    duration_seconds: 10 * run + 1,
    agent_duration_seconds: 10 * run,
    judge_duration_seconds: 1,
    judge_score: r.score,
    judge_passed: r.passed,
    judge_grade: grade(r.score),
    judge_reasoning: 'synthetic | reasoning',
    judges,
    criteria_scores: {
      R001: { score: r.passed ? 1 : 0, explanations: ['file exists', 'exists'] },
      R002: { score: Math.min(1, r.score + 0.05), explanations: ['output ok', 'mostly'] },
      R003: { score: null, explanations: ['n/a', 'n/a'] },
    },
    agreement: {
      judges: 2,
      validJudges: 2,
      scoreSpread: Math.abs(r.judges[0] - r.judges[1]),
      stdDev: 0,
      passVotes: 1,
      failVotes: 1,
    },
    pipeline: { all_passed: true, summary: '1 passed' },
    branch: `synthetic_${tier}_${subtest}_run_0${run}`,
    base_commit: 'b',
    config_commit: 'c',
    agent_commit: 'a',
    finalized_at: '2026-01-02T04:00:00.000Z',
  };
  writeFileSync(join(dir, 'run_result.json'), JSON.stringify(result, null, 2));
}
