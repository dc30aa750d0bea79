// The commander program. Parses, calls the core, prints; the only place that sets the exit code.
import { Command, CommanderError, Option } from 'commander';
import { EXIT_CODES, ScyllaError } from '../errors.js';
import { VERSION } from '../version.js';

const collect = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];
const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CommanderError(2, 'scylla.usage', `${name} must be a positive integer, got '${v}'`);
  return n;
};
const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new CommanderError(2, 'scylla.usage', `${name} must be a positive number, got '${v}'`);
  return n;
};

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CommanderError(2, 'scylla.usage', `--port must be an integer from 0 to 65535, got '${v}'`);
  return n;
};

export function buildProgram(): Command {
  const program = new Command('scylla')
    .description('Ablation experiments on AI coding agents')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  program
    .command('run')
    .description('run (or resume) an experiment on a test case')
    .option(
      '--tiers-dir <dir>',
      'test-case directory (test.yaml, prompt.md, t0..t6/); repeat for a batch',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--tests-dir <dir>', 'run every test case (directory with test.yaml) below DIR as a batch')
    .option('--tests <glob>', 'with --tests-dir: only test cases whose directory name matches')
    .option('--config <file>', 'experiment YAML (overrides test.yaml, overridden by flags)')
    .option('--repo <url>', 'task repository (URL, file:// URL or local path)')
    .option('--commit <sha>', 'commit to run on')
    .option('--prompt <file>', 'task prompt file')
    .option('--experiment-id <id>', 'experiment id (default: test.yaml id)')
    .option('--tiers <tiers...>', 'tiers to run (default T0 T1)')
    .option('--runs <n>', 'runs per subtest (default 10)', int('--runs'))
    .option('--parallel <n>', 'runs at once (default 4)', int('--parallel'))
    .option(
      '--parallel-runs <n>',
      'runs of one subtest at once (default 1: in order)',
      int('--parallel-runs'),
    )
    .option('--parallel-judges <n>', 'judge calls at once (default: --parallel)', int('--parallel-judges'))
    .option(
      '--max-workspaces <n>',
      'live worktrees at most (default 2 x --parallel)',
      int('--max-workspaces'),
    )
    .option('--no-adaptive', 'keep the agent slots fixed after a rate limit')
    .option(
      '--max-wait <seconds>',
      'longest rate-limit pause to sit out; longer ones stop (resumable)',
      positive('--max-wait'),
    )
    .option(
      '--rate-limit-wait <seconds>',
      'pause after a rate limit whose reset time is not stated (default 60)',
      positive('--rate-limit-wait'),
    )
    .option('--timeout <seconds>', 'agent timeout per run (default 3600 or test.yaml)', positive('--timeout'))
    .option('--max-subtests <n>', 'first N subtests of each tier', int('--max-subtests'))
    .option('--subtests <list>', 'only these subtests or tiers, e.g. T0/00,T4/08,T2 (repeatable)', collect)
    .option(
      '--subtests-dir <dir>',
      'shared subtests tN/NN-name.yaml for tiers the test case has no tN/ directory of',
    )
    .option('--skip-agent-teams', 'leave out subtests with agent_teams: true')
    .option('--max-turns <n>', 'agent turn limit', int('--max-turns'))
    .option('--model <id>', 'agent model (default claude-sonnet-4-5-20250929)')
    .option('--judge-model <id>', 'judge model; repeat or comma-separate for several', collect)
    .option(
      '--add-judge [model]',
      'add a judge (default claude-opus-4-5-20251101)',
      (v: string | boolean, prev: string[] = []) => [
        ...prev,
        typeof v === 'string' ? v : 'claude-opus-4-5-20251101',
      ],
    )
    .addOption(new Option('--judge-transport <kind>', 'api or cli').choices(['api', 'cli']))
    .option('--judge-timeout <seconds>', 'per judge call (default 600)', positive('--judge-timeout'))
    .option('--agent <name>', 'agent adapter: claude-code (default), codex or command')
    .option(
      '--agent-arg <arg>',
      'extra argument for the agent CLI (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--agent-bin <path>',
      'agent executable (default: SCYLLA_CLAUDE_BIN, else claude on PATH, else the copy installed with Scylla)',
    )
    .addOption(new Option('--thinking <level>', 'thinking budget').choices(['off', 'low', 'high', 'max']))
    .option('--max-cost-usd <usd>', 'stop starting runs past this spend', positive('--max-cost-usd'))
    .option('--results-dir <dir>', 'parent of experiment directories (default results)')
    .option('--fresh', 'start a new experiment directory instead of resuming')
    .option('--dry-run', 'print what would run (new, continued, redone, finished runs) and change nothing')
    .option(
      '--until <stage>',
      'stop every run after this stage (workspace, agent, pipeline); run again to go on',
    )
    .addOption(
      new Option(
        '--sandbox <mode>',
        'sandbox of every process of a run: auto (bubblewrap where it works, default), bwrap (required) or none',
      ).choices(['auto', 'bwrap', 'none']),
    )
    .option('--keep-workspaces', "keep each run's git worktree after it is finalized")
    .option('--keep-failed-workspaces', 'keep the worktrees of runs that did not pass')
    .option(
      '--use-user-auth',
      'use your Claude login (~/.claude/.credentials.json, copied read-only per run) instead of ANTHROPIC_API_KEY',
    )
    .option('--skip-validation', 'do not check each model with one tiny request before the first run')
    .option(
      '--queue <url>',
      'run through workers: redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://... (or SCYLLA_QUEUE)',
    )
    .option('--shared-dir <dir>', 'with --queue: carry run files through this directory every machine shares')
    .option('-v, --verbose', 'debug output')
    .option('-q, --quiet', 'errors only')
    .action(async (opts: Record<string, unknown>) => {
      const { run } = await import('./commands/run.js');
      process.exitCode = await run(opts);
    });

  program
    .command('worker')
    .description("take runs from the queues at --queue and run them with this machine's agent CLI and keys")
    .option('--queue <url>', 'redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://... (or SCYLLA_QUEUE)')
    .option('--concurrency <n>', 'runs at once, per experiment queue (default 1)', int('--concurrency'))
    .option('--work-dir <dir>', 'clones, resource copies and scratch directories (default: a temp dir)')
    .option(
      '--scratch-dir <dir>',
      'where runs work (default: <work-dir>/jobs; e.g. a RAM disk for small repos)',
    )
    .option('--shared-dir <dir>', 'the directory the coordinator gave as --shared-dir, as mounted here')
    .option(
      '--agent-bin <path>',
      "agent executable (default: the agent's variable, PATH, the installed copy)",
    )
    .option(
      '--stall-seconds <n>',
      'hand a job to another worker when its worker is silent this long (default 30)',
      positive('--stall-seconds'),
    )
    .option(
      '--idle-exit <seconds>',
      'exit (0) once no experiment has been announced for this long (e.g. for a Kubernetes Job)',
      positive('--idle-exit'),
    )
    .option('-v, --verbose', 'debug output')
    .option('-q, --quiet', 'errors only')
    .action(async (opts: import('./commands/worker.js').WorkerCliOptions) => {
      const { run } = await import('./commands/worker.js');
      process.exitCode = await run(opts);
    });

  program
    .command('report')
    .description(
      'regenerate every report of an experiment from its store (runs nothing), or compare two experiments',
    )
    .argument('<dirs...>', 'experiment directory (two with --compare)')
    .option('--format <formats>', 'md,json,html (default all; with --compare: md or json)', collect)
    .option('--compare', 'compare two experiments tier by tier (or two judge sets of one: --judge-set A,B)')
    .option(
      '--judge-set <n>',
      "report on this judge set (1 = the runs' own judges); with --compare: two sets",
      collect,
    )
    .option('--output <file>', 'with --compare: write to this file instead of stdout')
    .action(async (dirs: string[], opts: Record<string, unknown>) => {
      const { run } = await import('./commands/report.js');
      process.exitCode = await run({ ...opts, dirs });
    });

  program
    .command('export')
    .description('one row per finalized run (or per judgment) as CSV or JSONL')
    .argument('<dir>', 'experiment directory')
    .addOption(new Option('--format <format>', 'csv or jsonl').choices(['csv', 'jsonl']).default('csv'))
    .option('--judgments', 'one row per judgment instead of per run')
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (dir: string, opts: Record<string, unknown>) => {
      const { run } = await import('./commands/export.js');
      process.exitCode = await run({ ...opts, dir });
    });

  program
    .command('validate')
    .description(
      'load a test case, show what every subtest will receive, list every problem (exit 1 on errors)',
    )
    .requiredOption('--tiers-dir <dir>', 'test-case directory')
    .option('--tiers <tiers...>', 'tiers to validate (default: every tier that has subtests)')
    .option('--subtests <list>', 'only these subtests or tiers, e.g. T0/00,T4/08,T2 (repeatable)', collect)
    .option('--subtests-dir <dir>', 'shared subtests tN/NN-name.yaml for tiers the test case has no tN/ of')
    .option('--skip-agent-teams', 'leave out subtests with agent_teams: true')
    .option('--json', 'machine-readable output')
    .addOption(
      new Option('--sandbox <mode>', 'say whether runs would be sandboxed with this mode').choices([
        'auto',
        'bwrap',
        'none',
      ]),
    )
    .action(async (opts: import('./commands/validate.js').ValidateOptions) => {
      const { run } = await import('./commands/validate.js');
      process.exitCode = await run(opts);
    });

  program
    .command('init')
    .description('scaffold a test case and the standard ablation matrix from a resource library')
    .argument('<dir>', 'new or empty test-case directory')
    .requiredOption('--resources <dir>', 'resource library (blocks/, skills/, agents/, mcp/, presets.yaml)')
    .option('--id <id>', 'test-case id (default: the directory name)')
    .option('--repo <url>', 'task repository for test.yaml')
    .option('--commit <sha>', 'commit of the task repository')
    .action(async (dir: string, opts: { resources: string; id?: string; repo?: string; commit?: string }) => {
      const { run } = await import('./commands/init.js');
      process.exitCode = await run({ ...opts, dir });
    });

  program
    .command('schema')
    .description('print the JSON Schema of a file kind, or write all of them')
    .argument('[kind]', 'test | subtest | tiers | rubric | experiment')
    .option('--write <dir>', 'write <kind>.schema.json files into this directory (e.g. schemas)')
    .action(async (kind: string | undefined, opts: { write?: string }) => {
      const { run } = await import('./commands/schema.js');
      process.exitCode = await run({ ...opts, kind });
    });

  const repeat = (v: string, prev: string[] = []) => [...prev, v];
  program
    .command('rerun')
    .description('redo part of an experiment: re-judge, re-run build pipeline + judges, or re-run agents')
    .argument('<dir>', 'experiment directory')
    .option('--judges', 'judge the selected finished runs again, into a new judge set')
    .option(
      '--agents',
      'run the selected runs again from a fresh workspace (their attempts move to .failed/)',
    )
    .option(
      '--from <stage>',
      'agent (= --agents), pipeline (build pipeline and judges) or judge (= --judges)',
    )
    .option('--judge-model <id>', 'judge model of the new set (repeat or comma-separate)', collect)
    .option('--add-judge <id>', 'add a judge model to the new set (repeatable)', repeat)
    .option('--rubric <file>', 'judge the new set against this rubric.yaml')
    .option('--criteria <file>', 'judge the new set against this criteria.md')
    .option('--judge-slot <n>', 'only judge N again; the others are carried over', int('--judge-slot'))
    .option('--tier <tier>', 'only these tiers (repeat or comma-separate)', collect)
    .option('--subtest <id>', 'only these subtests, T0/00 or 00 (repeat or comma-separate)', collect)
    .option('--run <n>', 'only these run numbers (repeat or comma-separate)', collect)
    .option('--status <status>', 'only runs with these statuses (repeat or comma-separate)', collect)
    .option('--where <expr>', 'only runs whose stored field matches, e.g. score<0.5 (repeatable)', repeat)
    .option('--dry-run', 'print what would be redone and what it would cost; change nothing')
    .option('--parallel <n>', 'runs at once', int('--parallel'))
    .option('--parallel-judges <n>', 'judge calls at once', int('--parallel-judges'))
    .option('--max-cost-usd <usd>', 'stop starting runs past this spend', positive('--max-cost-usd'))
    .option(
      '--rate-limit-wait <seconds>',
      'pause after a rate limit that states no wait',
      positive('--rate-limit-wait'),
    )
    .option('--max-wait <seconds>', 'longest rate-limit pause to sit out', positive('--max-wait'))
    .option('-v, --verbose', 'debug output')
    .option('-q, --quiet', 'errors only')
    .action(async (dir: string, opts: Record<string, unknown>) => {
      const { run } = await import('./commands/rerun.js');
      process.exitCode = await run(dir, opts);
    });

  program
    .command('repair')
    .description("check an experiment's store against its run directories, or rebuild it from them (--apply)")
    .argument('<dir>', 'experiment directory')
    .option('--apply', 'write the rebuilt store (the old one is kept aside)')
    .action(async (dir: string, opts: { apply?: boolean }) => {
      const { run } = await import('./commands/repair.js');
      process.exitCode = await run(dir, opts);
    });

  program
    .command('clean')
    .description(
      'remove worktrees and scratch directories of finished runs; keep every diff, artefact and commit',
    )
    .argument('<dir>', 'experiment directory')
    .option('--dry-run', 'list what would be removed and the space it would free')
    .action(async (dir: string, opts: { dryRun?: boolean }) => {
      const { run } = await import('./commands/clean.js');
      process.exitCode = await run(dir, opts);
    });

  program
    .command('status')
    .description('progress of a running or finished experiment')
    .argument('[dir]', 'experiment directory, or a results directory (its newest experiment)', 'results')
    .option('--json', 'machine-readable output')
    .option('--watch', 'refresh until the experiment stops')
    .option('--interval <seconds>', 'refresh interval for --watch', positive('--interval'), 2)
    .action(async (dir: string, opts: { json?: boolean; watch?: boolean; interval?: number }) => {
      const { run } = await import('./commands/status.js');
      process.exitCode = await run(dir, opts);
    });

  program
    .command('view')
    .description('a live, read-only web UI over a results directory or one experiment')
    .argument('[dir]', 'results directory (its experiments) or one experiment directory', 'results')
    .option('--port <n>', 'port (default 7370; the next free one when taken; 0 = any)', port)
    .option('--host <host>', 'address to bind (default 127.0.0.1; any other needs a token)')
    .option('--token <token>', 'token every request must carry (default: generated for a non-loopback host)')
    .action(async (dir: string, opts: { port?: number; host?: string; token?: string }) => {
      const { run } = await import('./commands/view.js');
      process.exitCode = await run(dir, opts);
    });

  return program;
}

/** Entry point: parse argv, run the command, map errors to exit codes. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version')
        process.exitCode = EXIT_CODES.ok;
      else {
        if (e.code === 'scylla.usage') console.error(`error: ${e.message}`);
        process.exitCode = EXIT_CODES.usage;
      }
      return;
    }
    if (e instanceof ScyllaError) {
      console.error(`error: ${e.message}`);
      process.exitCode = e.exitCode;
      return;
    }
    console.error(`internal error (this is a bug, please report it): ${(e as Error)?.stack ?? String(e)}`);
    process.exitCode = EXIT_CODES.internal;
  }
}
