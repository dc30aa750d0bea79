// Model aliases (`sonnet-4-5`, `haiku`) resolved to the dated ids the APIs accept.

/** Short names users write → the full model id they mean. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = {
  sonnet: 'claude-sonnet-4-5-20250929',
  'sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  opus: 'claude-opus-4-5-20251101',
  'opus-4-5': 'claude-opus-4-5-20251101',
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
  haiku: 'claude-haiku-4-5-20251001',
  'haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'opus-4-1': 'claude-opus-4-1-20250805',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'sonnet-4': 'claude-sonnet-4-20250514',
  'opus-4': 'claude-opus-4-20250514',
};

/** The full model id for an alias; anything else (full ids, other providers' models) passes through. */
export function resolveModelAlias(id: string): string {
  const key = id.trim();
  return MODEL_ALIASES[key.toLowerCase()] ?? key;
}

/** The aliases in words, for error messages: "sonnet, sonnet-4-5, claude-sonnet-4-5 → claude-sonnet-4-5-20250929; ...". */
export function aliasList(): string {
  const byTarget = new Map<string, string[]>();
  for (const [alias, id] of Object.entries(MODEL_ALIASES))
    byTarget.set(id, [...(byTarget.get(id) ?? []), alias]);
  return [...byTarget].map(([id, aliases]) => `${aliases.join(', ')} → ${id}`).join('; ');
}
