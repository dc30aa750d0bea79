// `--subtests T0/00,T4/08,T2`: which subtests (or whole tiers) a run or validation covers.
import { TIER_IDS } from './experiment-config.js';

/** One entry: a whole tier (`subtest` absent) or one subtest of it. */
export interface SelectionEntry {
  tier: (typeof TIER_IDS)[number];
  subtest?: string;
}

/** What a selection entry may look like: `T2`, `t4/08`, `T4/8` (one digit is padded). */
const ENTRY = /^(t[0-6])(?:\/(\d{1,2}))?$/i;

/**
 * Parse selection entries (already split on commas). Returns the entries, normalised (`T4/08`), and a
 * message for every entry that is not of the form `Tn` or `Tn/NN`.
 */
export function parseSelection(raw: readonly string[]): { entries: SelectionEntry[]; bad: string[] } {
  const entries: SelectionEntry[] = [];
  const bad: string[] = [];
  for (const text of raw.map((s) => s.trim()).filter(Boolean)) {
    const m = ENTRY.exec(text);
    if (!m) {
      bad.push(`'${text}' is not a tier (T0..T6) or a subtest (T4/08)`);
      continue;
    }
    const tier = m[1].toUpperCase() as SelectionEntry['tier'];
    entries.push(m[2] === undefined ? { tier } : { tier, subtest: m[2].padStart(2, '0') });
  }
  return { entries, bad };
}

/** `T4/08` or `T2`. */
export const selectionKey = (e: SelectionEntry) => (e.subtest ? `${e.tier}/${e.subtest}` : e.tier);

/** The tiers a selection names, in T0..T6 order. */
export function selectionTiers(entries: readonly SelectionEntry[]): string[] {
  const named = new Set(entries.map((e) => e.tier));
  return TIER_IDS.filter((t) => named.has(t));
}

/** What a selection keeps of one tier: `all`, the chosen ids, or nothing (`null`). */
export function selectedIn(
  entries: readonly SelectionEntry[] | null,
  tier: string,
): 'all' | Set<string> | null {
  if (!entries) return 'all';
  const mine = entries.filter((e) => e.tier === tier);
  if (!mine.length) return null;
  if (mine.some((e) => e.subtest === undefined)) return 'all';
  return new Set(mine.map((e) => e.subtest!));
}
