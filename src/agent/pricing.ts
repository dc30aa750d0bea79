// Cost of a run from its token counts and the price table in prices.json (when the agent reports none).
import { z } from 'zod';
import table from './prices.json' with { type: 'json' };
import type { AgentResult, AgentUsage } from './result.js';
import { resolveModelAlias } from '../config/model-aliases.js';

/** Prices of one model, USD per million tokens. */
export const ModelPriceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cache_write: z.number().nonnegative(),
  cache_read: z.number().nonnegative(),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

const PRICES: Readonly<Record<string, ModelPrice>> = z
  .record(z.string(), ModelPriceSchema)
  .parse(table.models);

// Provider decorations around a model id: `anthropic/…`, Bedrock `us.anthropic.…-v1:0`, Vertex `…@date`.
function normalise(model: string): string {
  return resolveModelAlias(
    model
      .trim()
      .toLowerCase()
      .replace(/^(?:anthropic|openai|google|models)\//, '')
      .replace(/^(?:[a-z]{2}\.)?anthropic\./, '')
      .replace(/-v\d+(?::\d+)?$/, ''),
  );
}

// What may follow a table key: a date or a release tag, never another version number (`claude-opus-4-6` is not opus-4).
const DATED = /^(?:\d{4,}|latest|preview|exp)/;

/** The prices of `model` (id, alias, or provider-decorated id), or null when the table does not know it. */
export function priceFor(model: string): ModelPrice | null {
  const id = normalise(model);
  const candidates = id.startsWith('claude-') || !/^\d/.test(id) ? [id] : [id, `claude-${id}`];
  let best: string | undefined;
  for (const c of candidates) {
    for (const key of Object.keys(PRICES)) {
      const hit =
        c === key ||
        c.startsWith(`${key}@`) ||
        (c.startsWith(`${key}-`) && DATED.test(c.slice(key.length + 1)));
      if (hit && (best === undefined || key.length > best.length)) best = key;
    }
    if (best) break;
  }
  return best ? PRICES[best] : null;
}

/** USD cost of `usage` on `model`, or null for a model the price table does not know. */
export function costFor(model: string, usage: AgentUsage): number | null {
  const p = priceFor(model);
  if (!p) return null;
  const usd =
    (usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheCreationTokens * p.cache_write +
      usage.cacheReadTokens * p.cache_read) /
    1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/** A run's cost: what the agent itself reported, else the price table, else nothing (an unknown model). */
export function runCost(
  model: string,
  usage: AgentUsage,
  reported?: number,
): Pick<AgentResult, 'costUsd' | 'costSource'> {
  if (reported !== undefined) return { costUsd: reported, costSource: 'cli' };
  const table = costFor(model, usage);
  return table === null ? { costUsd: 0, costSource: 'none' } : { costUsd: table, costSource: 'price_table' };
}
