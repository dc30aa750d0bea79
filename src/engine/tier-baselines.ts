// Baselines between tier groups: resolve a tier's subtests on the recorded winners of earlier groups,
// refuse configurations that changed under existing runs, and record each group's winners once.

import { ConfigError } from '../errors.js';
import { type Tier } from '../fixture/discover.js';
import { loadResourceLibrary } from '../fixture/resource-library.js';
import { resolveSubtest } from '../fixture/resolve-subtest.js';
import { configFingerprint, ResolvedConfigSchema, type ResolvedConfig } from '../fixture/resolved-config.js';
import { experimentStats } from '../stats/experiment-stats.js';
import { isFinal } from '../store/run-state.js';
import type { Store } from '../store/store.js';
import { runDir } from '../workspace/paths.js';
import { branchName } from '../workspace/branch-name.js';
import type { ExperimentContext, RunSpec } from './context.js';
import { dependenciesOf } from '../config/tier-groups.js';
import { planRuns, tierGroups } from './planner.js';

/**
 * Resolve a tier's subtests (baselines from recorded winners) and turn its planned runs into specs.
 * A subtest that builds on earlier tiers (`extends_previous`, `inherit_best_from`) whose winners are
 * not recorded yet (their runs are unfinished) gets its run rows but is not scheduled: resolving it
 * without its baseline would fix a wrong configuration. A later invocation resumes it.
 */
export function resolveTier(
  ctx: ExperimentContext,
  tier: Tier,
  library: ReturnType<typeof loadResourceLibrary> | null,
): RunSpec[][] {
  const { store, config, expDir } = ctx;
  const requested = config.tiers.map((t) => t.toUpperCase());
  const previous = previousGroupWinner(store, tier.id, requested);
  const groups = tierGroups(requested);
  // Earlier groups, and every tier this one depends on even when it is not run now (`--subtests T5/02`).
  const earlier = new Set([
    ...groups
      .slice(
        0,
        Math.max(
          0,
          groups.findIndex((g) => g.includes(tier.id)),
        ),
      )
      .flat(),
    ...dependenciesOf(tier.id),
  ]);
  // Only earlier groups' winners: a same-group winner recorded by an earlier invocation must not
  // change what a resumed subtest resolves to.
  const winners = recordedWinners(store).filter((w) => earlier.has(w.tierId));
  const perSubtest: RunSpec[][] = [];
  for (const st of tier.subtests) {
    const ensure = () =>
      store.ensureRuns(
        Array.from({ length: config.runs }, (_, i) => ({ tier: tier.id, subtest: st.id, run: i + 1 })),
      );
    const probe = resolveSubtest(st, library, {});
    const missing = [
      ...(probe.extendsPrevious && !probe.inheritBestFrom.length && previous === 'pending'
        ? ['the previous tier group']
        : []),
      ...probe.inheritBestFrom.filter((t) => earlier.has(t) && !store.tierWinner(t)),
    ];
    if (missing.length) {
      ensure();
      ctx.logger.warn(
        `${tier.id}/${st.id} waits for the recorded winner of ${missing.join(', ')}: none is recorded yet ` +
          '(its runs are unfinished, or were not selected); run that tier to the end, then run again',
      );
      continue;
    }
    const baseline = previous === 'pending' ? null : previous;
    const resolved = resolveSubtest(st, library, { baseline, winners });
    checkUnchanged(store, tier.id, st.id, resolved, st.configFile);
    ensure();
    const plan = planRuns(
      [{ tier: tier.id, subtest: st.id }],
      config.runs,
      store.runs({ tier: tier.id, subtest: st.id }),
    );
    perSubtest.push(
      plan
        .filter((p) => p.action !== 'skip')
        .map((p) => ({
          tier: p.tier,
          subtest: p.subtest,
          run: p.run,
          resolved,
          runDir: runDir(expDir, p.tier, p.subtest, p.run),
          branch: branchName(config.experimentId, p.tier, p.subtest, p.run),
        })),
    );
  }
  return perSubtest;
}

/** A subtest whose configuration changed after runs were made would mix two experiments: refuse. */
function checkUnchanged(
  store: Store,
  tier: string,
  subtest: string,
  resolved: ResolvedConfig,
  file: string,
): void {
  const fp = configFingerprint(resolved);
  const prev = store.subtestFingerprint(tier, subtest);
  if (prev && prev.fingerprint !== fp && store.runs({ tier, subtest }).some((r) => r.state !== 'pending'))
    throw new ConfigError(
      `the configuration of ${tier}/${subtest} changed since its runs were made (fingerprint ${prev.fingerprint} → ${fp}). ` +
        'Restore it to resume, or add --fresh to start a new experiment directory.',
      { file },
    );
  store.putSubtest(tier, subtest, fp, JSON.stringify(resolved));
}

/** Every recorded tier winner (what `inherit_best_from` merges). */
function recordedWinners(store: Store): ResolvedConfig[] {
  return store.tierWinners().map((r) => ResolvedConfigSchema.parse(JSON.parse(r.resolved_json)));
}

/**
 * The baseline of every tier of a group: the winning configuration of the previous dependency group
 * (T0–T4 → T5 → T6, over the requested tiers), as recorded by `recordWinners` once that group was
 * complete. `null`: there is no previous group, or it produced no winner. `pending`: the previous
 * group has unfinished runs, so its winner is not known yet.
 */
function previousGroupWinner(
  store: Store,
  tier: string,
  requested: readonly string[],
): ResolvedConfig | null | 'pending' {
  const groups = tierGroups(requested);
  const i = groups.findIndex((g) => g.includes(tier));
  if (i <= 0) return null;
  const pick = store.groupWinner(groupKey(groups[i - 1]));
  if (pick === undefined) return 'pending';
  if (pick === null) return null;
  const w = store.tierWinner(pick.tier);
  return w ? ResolvedConfigSchema.parse(JSON.parse(w.resolved_json)) : null;
}

/**
 * Once every run of a tier is final, record its winner; once every tier of the group is, record the
 * group's winner: the tier winner with the lowest cost-of-pass (then the higher score, then the lower
 * tier). First recordings win, so a resumed experiment inherits exactly the same baselines.
 */
export function recordWinners(
  store: Store,
  expDir: string,
  tiers: readonly { id: string; subtests: readonly { id: string }[]; partial?: boolean }[],
): void {
  const s = experimentStats(
    store,
    expDir,
    tiers.map((t) => ({ id: t.id, subtests: t.subtests.map((x) => x.id) })),
  );
  let groupDone = true;
  for (const t of s.tiers) {
    const runs = store.runs({ tier: t.tier });
    // A tier run in part (`--subtests T4/08`) has no winner yet: its other subtests did not compete.
    const partial = tiers.some((x) => x.id === t.tier && x.partial);
    const done = !partial && runs.length > 0 && runs.every((r) => isFinal(r.state));
    if (!done) groupDone = false;
    if (!done || !t.selection) continue;
    const fp = store.subtestFingerprint(t.tier, t.selection.winner);
    if (fp) store.setTierWinner(t.tier, t.selection.winner, fp.resolved_json);
  }
  const key = groupKey(tiers.map((t) => t.id));
  if (!groupDone || store.groupWinner(key) !== undefined) return;
  const candidates = s.tiers
    .map((t) => ({ t, w: store.tierWinner(t.tier) }))
    .filter((c) => c.w !== undefined)
    .sort(
      (a, b) =>
        (a.t.costOfPass ?? Infinity) - (b.t.costOfPass ?? Infinity) ||
        (b.t.selection?.winningScore ?? 0) - (a.t.selection?.winningScore ?? 0) ||
        (a.t.tier < b.t.tier ? -1 : 1),
    );
  const best = candidates[0];
  store.setGroupWinner(key, best ? { tier: best.t.tier, subtest: best.w!.subtest } : null);
}

/** The key a tier group's winner is recorded under: its tiers, sorted (`T0,T1,T2`). */
function groupKey(tiers: readonly string[]): string {
  return [...tiers].sort().join(',');
}
