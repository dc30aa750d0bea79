// Compare two experiments (or two judge sets of one): per tier each
// side's best subtest, per subtest both sides, with A − B differences, bootstrap CIs and Fisher p.
import { compareJson } from '../report/compare-report.js';
import { comparisonJson, rounded, subtestSummaryJson } from '../report/report-json.js';
import { compareRuns } from '../stats/compare.js';
import type { ExperimentStats } from '../stats/experiment-stats.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { HttpError } from './router.js';
import { statsOf } from './stats-view.js';
import { configOf } from './summaries.js';

/** The judge sets an experiment's store records: 1 (its own judges), then each `rerun --judges`. */
export function judgeSets(h: ExperimentHandle): number[] {
  return h
    .store()
    .judgeSets()
    .map((s) => s.id);
}

function pickSet(h: ExperimentHandle, raw: string | null): number {
  const sets = judgeSets(h);
  if (raw === null || raw === '') return h.store().currentJudgeSet();
  const n = Number(raw);
  if (!sets.includes(n))
    throw new HttpError(404, `${h.name} has no judge set '${raw}' (it records: ${sets.join(', ')})`);
  return n;
}

function subtestRows(a: ExperimentStats, b: ExperimentStats) {
  const keys: [string, string][] = [];
  for (const s of [a, b])
    for (const t of s.tiers)
      for (const x of t.subtests)
        if (!keys.some(([k1, k2]) => k1 === t.tier && k2 === x.id)) keys.push([t.tier, x.id]);
  keys.sort(([t1, s1], [t2, s2]) => (t1 === t2 ? (s1 < s2 ? -1 : 1) : t1 < t2 ? -1 : 1));
  return keys.map(([tier, id]) => {
    const ta = a.tiers.find((t) => t.tier === tier);
    const tb = b.tiers.find((t) => t.tier === tier);
    const sa = ta?.subtests.find((s) => s.id === id);
    const sb = tb?.subtests.find((s) => s.id === id);
    const diff = sa && sb ? compareRuns(sa.runs, sb.runs, `A:${tier}/${id}`, `B:${tier}/${id}`) : null;
    return {
      tier,
      subtest: id,
      a: sa && ta ? subtestSummaryJson(ta, sa) : null,
      b: sb && tb ? subtestSummaryJson(tb, sb) : null,
      a_minus_b: comparisonJson(diff),
    };
  });
}

/** The comparison of A against B (judge sets as given, else each side's current one). */
export function compareExperiments(
  a: ExperimentHandle,
  b: ExperimentHandle,
  sets: { a: string | null; b: string | null },
) {
  const setA = pickSet(a, sets.a);
  const setB = pickSet(b, sets.b);
  const sa = statsOf(a, setA);
  const sb = statsOf(b, setB);
  const tiers = compareJson(
    { label: a.name, model: configOf(a)?.model ?? null, stats: sa },
    { label: b.name, model: configOf(b)?.model ?? null, stats: sb },
  );
  return rounded({
    ...tiers,
    judge_sets: {
      a: { selected: setA, available: judgeSets(a) },
      b: { selected: setB, available: judgeSets(b) },
    },
    subtests: subtestRows(sa, sb),
  });
}
