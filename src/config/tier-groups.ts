// Tier dependency groups (spec §3.3): which tiers may run together and which wait for earlier winners.

/** Tier dependency groups: T0–T4 independent, T5 after them, T6 after T5 (spec §3.3). */
const DEPENDS: Record<string, string[]> = {
  T0: [],
  T1: [],
  T2: [],
  T3: [],
  T4: [],
  T5: ['T0', 'T1', 'T2', 'T3', 'T4'],
  T6: ['T5'],
};

/** Group requested tiers so that each group only depends on earlier groups. */
export function tierGroups(tiers: readonly string[]): string[][] {
  const remaining = [...new Set(tiers)];
  const done = new Set<string>();
  const groups: string[][] = [];
  while (remaining.length) {
    const ready = remaining.filter((t) =>
      (DEPENDS[t] ?? []).every((d) => done.has(d) || !remaining.includes(d)),
    );
    if (!ready.length) throw new Error(`tier dependency cycle among ${remaining.join(', ')}`);
    ready.sort();
    groups.push(ready);
    for (const t of ready) {
      done.add(t);
      remaining.splice(remaining.indexOf(t), 1);
    }
  }
  return groups;
}

/** Every tier `tier` depends on, directly or not (T6 → T5 → T0..T4): their winners come before it. */
export function dependenciesOf(tier: string): string[] {
  const out = new Set<string>();
  const visit = (t: string) => {
    for (const d of DEPENDS[t] ?? [])
      if (!out.has(d)) {
        out.add(d);
        visit(d);
      }
  };
  visit(tier);
  return [...out].sort();
}
