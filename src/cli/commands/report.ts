// `scylla report DIR [--format md,json,html]`: regenerate every report of an experiment from its
// store and run artefacts (nothing is run). `scylla report --compare DIR1 DIR2`: compare two.
import { UsageError } from '../../errors.js';
import { renderCompare, compareJson, type CompareSide } from '../../report/compare-report.js';
import { openResults } from '../../report/open-results.js';
import { REPORT_FORMATS, writeAllReports, type ReportFormat } from '../../report/write-reports.js';
import { experimentStats } from '../../stats/experiment-stats.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

/** Parsed options (commander: `report <dirs...> [--format <list>] [--compare] [--output <file>]`). */
export interface ReportOptions {
  dirs?: string[];
  /** `md,json,html` (comma-separated or repeated). */
  format?: string | string[];
  compare?: boolean;
  /** With --compare: write the comparison here instead of stdout. */
  output?: string;
  /** Report on this judge set; with --compare and one directory, the two sets to compare. */
  judgeSet?: string[];
}

/** `--judge-set` values as set numbers that exist in `store`. */
function judgeSets(values: string[] | undefined, known: number[]): number[] {
  return (values ?? []).map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || !known.includes(n))
      throw new UsageError(`--judge-set: no judge set '${v}' (this experiment has ${known.join(', ')})`);
    return n;
  });
}

function formats(
  v: ReportOptions['format'],
  allowed: readonly string[],
  fallback: readonly string[],
): string[] {
  const list = (Array.isArray(v) ? v : v ? [v] : [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const f of list)
    if (!allowed.includes(f))
      throw new UsageError(`--format: unknown format '${f}' (expected ${allowed.join(', ')})`);
  return list.length ? [...new Set(list)] : [...fallback];
}

export async function run(opts: ReportOptions): Promise<number> {
  const dirs = opts.dirs ?? [];
  if (opts.compare) {
    const twoSets = dirs.length === 1 && (opts.judgeSet ?? []).length === 2;
    if (dirs.length !== 2 && !twoSets)
      throw new UsageError('--compare takes two experiment directories, or one with --judge-set A,B');
    const [fmt, ...more] = formats(opts.format, ['md', 'json'], ['md']);
    if (more.length) throw new UsageError('--compare prints one format: md or json');
    const side = (d: string, set: number | undefined): CompareSide => {
      const r = openResults(d);
      try {
        const n = set ?? r.store.currentJudgeSet();
        return {
          label: `${r.experimentId} (${d})${twoSets ? `, judge set ${n}` : ''}`,
          model: r.config?.model ?? null,
          stats: experimentStats(r.store, r.expDir, r.tiers, n),
        };
      } finally {
        r.store.close();
      }
    };
    let sides: CompareSide[];
    if (twoSets) {
      const r = openResults(dirs[0]);
      const sets = judgeSets(
        opts.judgeSet,
        r.store.judgeSets().map((s) => s.id),
      );
      r.store.close();
      sides = sets.map((n) => side(dirs[0], n));
    } else sides = dirs.map((d) => side(d, undefined));
    const text =
      fmt === 'json'
        ? JSON.stringify(compareJson(sides[0], sides[1]), null, 2) + '\n'
        : renderCompare(sides[0], sides[1]);
    if (opts.output) writeFileAtomic(opts.output, text);
    else process.stdout.write(text);
    return 0;
  }
  if (dirs.length !== 1)
    throw new UsageError('report takes one experiment directory (or --compare DIR1 DIR2)');
  const fmts = formats(opts.format, REPORT_FORMATS, REPORT_FORMATS) as ReportFormat[];
  const r = openResults(dirs[0]);
  try {
    const [judgeSet, ...extra] = judgeSets(
      opts.judgeSet,
      r.store.judgeSets().map((s) => s.id),
    );
    if (extra.length) throw new UsageError('--judge-set: one set to report on (two only with --compare)');
    const stats = await writeAllReports({
      store: r.store,
      expDir: r.expDir,
      config: r.config,
      tiers: r.tiers,
      formats: fmts,
      judgeSet,
    });
    const written = fmts.map((f) => `report.${f}`).join(', ');
    process.stdout.write(
      `Reports written under ${r.expDir} (${written} at every level): ${stats.totalRuns} runs, best ${stats.bestTier ? `${stats.bestTier}/${stats.bestSubtest}` : '—'}\n`,
    );
    return 0;
  } finally {
    r.store.close();
  }
}
