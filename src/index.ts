// Scylla's public library API: run experiments programmatically, read their results, extend agents
// and judges. The CLI (`scylla`) is a thin layer over exactly these.

export { VERSION } from './version.js';
export {
  ScyllaError,
  ConfigError,
  UsageError,
  GitError,
  AgentError,
  JudgeError,
  RateLimitError,
  InterruptedError,
  InternalError,
} from './errors.js';

// Configuration
export { ExperimentConfigSchema, configHash, type ExperimentConfig } from './config/experiment-config.js';
export { resolveExperimentConfig, type RunCliOptions } from './config/resolve-experiment.js';
export { RubricSchema, loadRubric, rubricItems, DEFAULT_RUBRIC, type Rubric } from './config/rubric.js';
export { TestCaseSpecSchema, type TestCaseSpec } from './config/test-case-schema.js';
export { SubtestConfigSchema, type SubtestConfig } from './config/subtest-schema.js';

// Test cases and their configurations
export { loadTestCase, type TestCase } from './fixture/load-test-case.js';
export {
  discoverTiers,
  findSubtests,
  type SubtestLayout,
  type Tier,
  type Subtest,
} from './fixture/discover.js';
export { ProblemSchema, type Problem } from './problem-schema.js';
export { formatProblem } from './problem.js';
export { loadResourceLibrary, type ResourceLibrary } from './fixture/resource-library.js';
export { resolveSubtest } from './fixture/resolve-subtest.js';
export { ResolvedConfigSchema, configFingerprint, type ResolvedConfig } from './fixture/resolved-config.js';

// Running
export { runExperiment, type RunExperimentOptions, type ExperimentOutcome } from './engine/run-experiment.js';
export { runBatch, type BatchCase, type BatchOutcome } from './engine/run-batch.js';
export { planRuns, tierGroups, type PlannedRun } from './engine/planner.js';
export { progressSnapshot, renderProgress, type ProgressSnapshot } from './engine/progress.js';

// Agents and judges (extension points: name → factory maps)
export { agentAdapters, type AgentAdapterFactory } from './agent/registry.js';
export type { AgentAdapter, AgentRunRequest, AgentResult, AgentOutcome } from './agent/adapter.js';
export {
  processAdapter,
  type AgentProcessSpec,
  type AgentLaunch,
  type AgentReport,
} from './agent/run-agent-process.js';
export { httpProbe, unchecked, type ModelProbe, type ProbeOutcome } from './agent/model-probe.js';
export { resolveModelAlias } from './config/model-aliases.js';
export type { JudgeTransport } from './judge/transport.js';
export { judgeTransports, createJudgeTransport } from './judge/transport-registry.js';
export { runJudge } from './judge/run-judge.js';
export { consensus, type Consensus } from './judge/consensus.js';
export type { Judgment } from './judge/judgment.js';

// Per-run sandbox (extension point: name → provider map)
export { sandboxProviders, chooseSandbox, type SandboxChoice } from './sandbox/registry.js';
export type { Sandbox, SandboxPolicy, SandboxProvider, SandboxRecord } from './sandbox/sandbox.js';

// State and results
export { Store, type RunRow } from './store/store.js';
export { RUN_STAGES, type RunState } from './store/run-state.js';
export { RunResultSchema, loadRunResult, type RunResult } from './stats/run-result.js';
export { writeAllReports } from './report/write-reports.js';
export { experimentStats, type ExperimentStats } from './stats/experiment-stats.js';
export { createLogger, type Logger } from './util/logger.js';

// Viewing (the server behind `scylla view`)
export { startViewServer, type ViewServer } from './view/server.js';
export { DEFAULT_PORT as VIEW_DEFAULT_PORT, type ViewOptions } from './view/options.js';
