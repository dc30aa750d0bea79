// The one entry point that writes every report of an experiment from the store and the run
// artefacts: missing run reports, subtest, tier and experiment JSON + Markdown, report.html.
// Deterministic: the same store and artefacts give byte-identical JSON.
import { sandboxLabel } from './markdown.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { experimentStats, type ExperimentStats } from '../stats/experiment-stats.js';
import { isFinal } from '../store/run-state.js';
import type { StoreReader } from '../store/reader.js';
import { RECORD, writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { runDir, subtestDir } from '../workspace/paths.js';
import { renderExperimentReport } from './experiment-report.js';
import { startHtmlRenderer, type HtmlRenderer } from './html/render-apart.js';
import { experimentReportJson, subtestReportJson, tierReportJson } from './report-json.js';
import { renderRunReport, runReportJson } from './run-report.js';
import { loadRunResult } from '../stats/run-result.js';
import { sortTiers, type ReportTier } from './store-tiers.js';
import { renderSubtestReport } from './subtest-report.js';
import { renderTierReport } from './tier-report.js';

/** Report formats. */
export type ReportFormat = 'md' | 'json' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'html'];

export interface WriteReportsOptions {
  store: StoreReader;
  expDir: string;
  /** The experiment's configuration (null: unknown; the reports leave it out). */
  config: ExperimentConfig | null;
  /** Tiers and subtests to report on (sorted T0..T6 and by subtest id before use). */
  tiers: ReportTier[];
  /** Which formats to write (default all). */
  formats?: readonly ReportFormat[];
  /** Report on this judge set (default: the current one; 1 = the runs' own judges). */
  judgeSet?: number;
}

/** Write run reports of finalized runs that have none (never rewriting existing ones). */
function writeMissingRunReports(store: StoreReader, expDir: string, formats: readonly ReportFormat[]): void {
  for (const row of store.runs()) {
    if (!isFinal(row.state)) continue;
    const dir = runDir(expDir, row.tier, row.subtest, row.run);
    const wantJson = formats.includes('json') && !existsSync(join(dir, 'report.json'));
    const wantMd = formats.includes('md') && !existsSync(join(dir, 'report.md'));
    if (!wantJson && !wantMd) continue;
    const rr = loadRunResult(dir);
    if (!rr) continue;
    if (wantJson) writeJsonAtomic(join(dir, 'report.json'), runReportJson(rr), RECORD);
    if (wantMd) writeFileAtomic(join(dir, 'report.md'), renderRunReport(rr, dir), RECORD);
  }
}

/** What the reports say of a re-judging: its number and judge models. */
function judgeSetInfo(store: StoreReader, id: number): { id: number; judgeModels: string[] } {
  const row = store.judgeSets().find((s) => s.id === id);
  const spec = row ? (JSON.parse(row.spec_json) as { judgeModels?: string[] }) : {};
  return { id, judgeModels: spec.judgeModels ?? [] };
}

/** Write every report; returns the statistics they were written from. */
export async function writeAllReports(opts: WriteReportsOptions): Promise<ExperimentStats> {
  const formats = opts.formats ?? REPORT_FORMATS;
  // The HTML renderer starts first: it loads its chart libraries while the statistics are computed.
  const renderer = formats.includes('html') ? startHtmlRenderer() : null;
  try {
    return await writeReports(opts, formats, renderer);
  } finally {
    renderer?.cancel();
  }
}

async function writeReports(
  opts: WriteReportsOptions,
  formats: readonly ReportFormat[],
  renderer: HtmlRenderer | null,
): Promise<ExperimentStats> {
  const { store, expDir, config } = opts;
  const md = formats.includes('md');
  const json = formats.includes('json');
  const experimentId = config?.experimentId ?? store.experiment()?.experiment_id ?? 'experiment';
  const judgeSet = opts.judgeSet ?? store.currentJudgeSet();
  const stats = experimentStats(store, expDir, sortTiers(opts.tiers), judgeSet);
  for (const t of stats.tiers) Object.assign(t, config?.tierLabels?.[t.tier] ?? {});
  if (judgeSet > 1) stats.judgeSet = judgeSetInfo(store, judgeSet);
  // Unsandboxed runs are not independent attempts: every report says so under its title.
  const banner =
    config?.sandboxStatus?.kind === 'none' ? `> **${sandboxLabel(config.sandboxStatus)}**` : null;
  const noted = (text: string) => {
    if (!banner) return text;
    const [title, ...rest] = text.split('\n');
    return [title, '', banner, ...rest].join('\n');
  };

  if (judgeSet <= 1) writeMissingRunReports(store, expDir, formats);
  for (const t of stats.tiers) {
    for (const s of t.subtests) {
      const dir = subtestDir(expDir, t.tier, s.id);
      if (json) writeJsonAtomic(join(dir, 'report.json'), subtestReportJson(t, s), RECORD);
      if (md) writeFileAtomic(join(dir, 'report.md'), noted(renderSubtestReport(dir, t, s)), RECORD);
    }
    const dir = join(expDir, t.tier);
    if (json) writeJsonAtomic(join(dir, 'report.json'), tierReportJson(t), RECORD);
    if (md) writeFileAtomic(join(dir, 'report.md'), noted(renderTierReport(dir, t)), RECORD);
  }
  const startedAt = store.experiment()?.started_at ?? null;
  // JSON first so the HTML and Markdown can link to it; HTML before the Markdown that links to it.
  if (json)
    writeJsonAtomic(
      join(expDir, 'report.json'),
      experimentReportJson(experimentId, config, startedAt, stats),
      RECORD,
    );
  if (renderer)
    writeFileAtomic(
      join(expDir, 'report.html'),
      await renderer.render({ expDir, experimentId, config, stats, withMarkdown: md }),
      RECORD,
    );
  if (md)
    writeFileAtomic(
      join(expDir, 'report.md'),
      renderExperimentReport(expDir, experimentId, config, stats),
      RECORD,
    );
  return stats;
}
