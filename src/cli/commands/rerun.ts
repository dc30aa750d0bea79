// `scylla rerun DIR --judges | --agents | --from STAGE [filters] [--dry-run]`: redo part of an
// experiment without paying again for what is fine. Parses, plans, prints, applies.
import { resolve } from 'node:path';
import { parseStatuses, parseWhere, type RunSelection } from '../../engine/rerun-select.js';
import { applyRerun, planRerun, type RerunPlan, type RerunRequest } from '../../engine/rerun.js';
import { EXIT_CODES, UsageError } from '../../errors.js';
import { describeStopReason } from '../../outcomes.js';
import { runLabel } from '../../store/run-key.js';
import { createLogger } from '../../util/logger.js';
import { installStopHandlers } from '../signals.js';

/** `--from` stages and what they redo. */
const FROM: Record<string, RerunRequest['kind']> = { agent: 'agents', pipeline: 'pipeline', judge: 'judges' };

type Opts = Record<string, unknown>;
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

function kindOf(opts: Opts): RerunRequest['kind'] {
  const from = typeof opts.from === 'string' ? opts.from : undefined;
  const chosen = [opts.judges ? 'judges' : null, opts.agents ? 'agents' : null, from ? 'from' : null].filter(
    Boolean,
  );
  if (chosen.length !== 1)
    throw new UsageError('rerun needs exactly one of --judges, --agents, --from STAGE');
  if (!from) return opts.judges ? 'judges' : 'agents';
  const kind = FROM[from];
  if (!kind) throw new UsageError(`--from: unknown stage '${from}' (known: ${Object.keys(FROM).join(', ')})`);
  return kind;
}

function selectionOf(opts: Opts): RunSelection {
  const runs = list(opts.run).map((r) => {
    const n = Number(r);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--run: expected a run number, got '${r}'`);
    return n;
  });
  return {
    tiers: list(opts.tier).map((t) => t.toUpperCase()),
    subtests: list(opts.subtest).map((s) => s.replace(/^t/, 'T')),
    runs,
    statuses: parseStatuses(list(opts.status)),
    where: list(opts.where).map(parseWhere),
  };
}

const WHAT: Record<RerunRequest['kind'], string> = {
  judges: 're-judge',
  pipeline: 're-run the build pipeline and re-judge',
  agents: 're-run the agents of',
};

function printPlan(plan: RerunPlan, dryRun: boolean): void {
  const n = plan.runs.length;
  console.log(
    `${dryRun ? 'Would' : 'Will'} ${WHAT[plan.kind]} ${n} run${n === 1 ? '' : 's'}` +
      `${plan.kind === 'agents' ? '' : ' into a new judge set'}${plan.continues ? ` (continuing rerun #${plan.continues})` : ''}:`,
  );
  for (const k of plan.runs) console.log(`  ${runLabel(k)}`);
  for (const s of plan.skipped) console.log(`  skipped ${runLabel(s.run)}: ${s.why}`);
  const usd = plan.estimate.usd;
  console.log(`Estimated cost: ${usd === null ? 'unknown' : `$${usd.toFixed(4)}`} (${plan.estimate.basis})`);
}

export async function run(dir: string, opts: Opts): Promise<number> {
  const kind = kindOf(opts);
  const judgeSlot = num(opts.judgeSlot);
  if (kind === 'agents' && (opts.judgeModel || opts.addJudge || opts.rubric || opts.criteria || judgeSlot))
    throw new UsageError(
      '--judge-model, --add-judge, --rubric, --criteria and --judge-slot are for --judges and --from pipeline|judge',
    );
  const judgeModels = [...list(opts.judgeModel), ...list(opts.addJudge)];
  const level = opts.verbose ? 'debug' : opts.quiet ? 'error' : 'info';
  const logger = createLogger({ level, sink: (line) => process.stderr.write(`${line}\n`) });
  const req: RerunRequest = {
    expDir: resolve(dir),
    kind,
    selection: selectionOf(opts),
    judgeModels: judgeModels.length ? judgeModels : undefined,
    rubricFile: typeof opts.rubric === 'string' ? resolve(opts.rubric) : undefined,
    criteriaFile: typeof opts.criteria === 'string' ? resolve(opts.criteria) : undefined,
    judgeSlot,
    overrides: {
      ...(num(opts.parallel) ? { parallel: num(opts.parallel) } : {}),
      ...(num(opts.parallelJudges) ? { parallelJudges: num(opts.parallelJudges) } : {}),
      ...(num(opts.maxCostUsd) ? { maxCostUsd: num(opts.maxCostUsd) } : {}),
      ...(num(opts.rateLimitWait) ? { rateLimitWaitSeconds: num(opts.rateLimitWait) } : {}),
      ...(num(opts.maxWait) ? { maxWaitSeconds: num(opts.maxWait) } : {}),
    },
    logger,
  };
  const plan = planRerun(req);
  if (!plan.runs.length) {
    console.log(`No run matches these filters; nothing to do.${plan.skipped.length ? '' : ''}`);
    for (const s of plan.skipped) console.log(`  skipped ${runLabel(s.run)}: ${s.why}`);
    return EXIT_CODES.ok;
  }
  printPlan(plan, opts.dryRun === true);
  if (opts.dryRun) return EXIT_CODES.ok;
  const stops = installStopHandlers(logger);
  try {
    const out = await applyRerun({ ...req, softStop: stops.soft, hardStop: stops.hard }, plan);
    const what = out.judgeSet ? `judge set ${out.judgeSet}` : `rerun #${out.rerunId}`;
    console.log(
      `${what}: ${out.done} of ${plan.runs.length} runs done` +
        (out.judgeSet && out.status === 'completed' ? ` (now the current judge set; reports updated)` : ''),
    );
    if (out.stopReason && out.stopReason.kind !== 'stop_requested')
      console.error(describeStopReason(out.stopReason));
    if (stops.soft.aborted || stops.hard.aborted) return EXIT_CODES.interrupted;
    return out.status === 'completed' ? EXIT_CODES.ok : EXIT_CODES.incomplete;
  } finally {
    stops.dispose();
  }
}
