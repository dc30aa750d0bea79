// Rows for `scylla export`: one per finalized run (every field a paper needs) or one per judgment,
// and their CSV / JSONL encodings.
import type { ExperimentStats } from '../stats/experiment-stats.js';
import { isFinal } from '../store/run-state.js';
import type { StoreReader } from '../store/reader.js';
import { runDir } from '../workspace/paths.js';
import { tidyNumber } from '../util/tidy-number.js';
import { loadRunResult } from '../stats/run-result.js';

/** A flat export row. */
export type Row = Record<string, string | number | boolean | null>;

/** One row per finalized run of the reported tiers, with judge and per-criterion columns. */
export function runRows(
  experimentId: string,
  store: StoreReader,
  expDir: string,
  stats: ExperimentStats,
): Row[] {
  const rows: Row[] = [];
  const judgeCount = Math.max(0, ...stats.agreement.judges.map((j) => j.judgeNumber));
  for (const t of stats.tiers)
    for (const s of t.subtests)
      for (const r of s.runs) {
        const row = store.getRun({ tier: t.tier, subtest: s.id, run: r.run });
        const rr = loadRunResult(runDir(expDir, t.tier, s.id, r.run));
        const out: Row = {
          experiment_id: experimentId,
          tier: t.tier,
          subtest: s.id,
          subtest_name: s.name,
          selected: t.selection?.winner === s.id,
          run: r.run,
          attempt: row?.attempt ?? null,
          model: rr?.model ?? null,
          score: r.score,
          passed: r.passed,
          grade: r.grade,
          agent_failure: r.agentOutcome,
          exit_code: r.exitCode,
          num_turns: r.numTurns,
          cost_usd: r.costUsd,
          cost_source: rr?.cost_source ?? null,
          input_tokens: r.tokens.input,
          output_tokens: r.tokens.output,
          cache_read_tokens: r.tokens.cacheRead,
          cache_creation_tokens: r.tokens.cacheCreation,
          duration_seconds: r.durationSeconds,
          agent_duration_seconds: r.agentDurationSeconds,
          judge_duration_seconds: r.judgeDurationSeconds,
          pipeline_passed: rr?.pipeline ? rr.pipeline.all_passed : null,
          judges_valid: r.judges.filter((j) => j.valid).length,
        };
        for (let n = 1; n <= judgeCount; n++) {
          const j = r.judges.find((x) => x.judgeNumber === n);
          out[`judge_${n}_model`] = j?.model ?? null;
          out[`judge_${n}_valid`] = j?.valid ?? null;
          out[`judge_${n}_score`] = j?.score ?? null;
          out[`judge_${n}_passed`] = j?.passed ?? null;
          out[`judge_${n}_grade`] = j?.grade ?? null;
        }
        for (const c of stats.criteria) out[`criterion_${c}`] = r.criteria[c] ?? null;
        out.branch = rr?.branch ?? row?.branch ?? null;
        out.agent_commit = rr?.agent_commit ?? row?.agent_commit ?? null;
        out.finalized_at = row?.finalized_at ?? null;
        rows.push(out);
      }
  return rows;
}

/** One row per stored judgment (every attempt); `counted` marks those of the finalized attempt. */
export function judgmentRows(experimentId: string, store: StoreReader): Row[] {
  const runs = new Map(store.runs().map((r) => [`${r.tier}/${r.subtest}/${r.run}`, r]));
  return store.judgments().map((j) => {
    const run = runs.get(`${j.tier}/${j.subtest}/${j.run}`);
    let criteria: Record<string, { score: number | null }> = {};
    try {
      criteria =
        (JSON.parse(j.json) as { criteria?: Record<string, { score: number | null }> }).criteria ?? {};
    } catch {
      // an unreadable judgment keeps its columns, without criteria
    }
    const row: Row = {
      experiment_id: experimentId,
      tier: j.tier,
      subtest: j.subtest,
      run: j.run,
      attempt: j.attempt,
      judge_number: j.judge_number,
      model: j.model,
      valid: j.valid === 1,
      failure: j.failure,
      score: j.score,
      passed: j.passed === null ? null : j.passed === 1,
      grade: j.grade,
      counted: Boolean(run && isFinal(run.state) && run.attempt === j.attempt),
      created_at: j.created_at,
    };
    for (const [id, c] of Object.entries(criteria)) row[`criterion_${id}`] = c.score;
    return row;
  });
}

function csvCell(v: Row[string] | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(typeof v === 'number' ? tidyNumber(v) : v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a header of every column any row has (first-seen order). */
export function toCsv(rows: readonly Row[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

/** One JSON object per line. */
export function toJsonl(rows: readonly Row[]): string {
  const tidy = (_k: string, v: unknown) => (typeof v === 'number' ? tidyNumber(v) : v);
  return rows.map((r) => JSON.stringify(r, tidy)).join('\n') + (rows.length ? '\n' : '');
}
