// Typed key-value entries of the store: each key has one schema, checked on write and on read.
import { z } from 'zod';

/** Every key the store keeps, with the shape of its value. */
export const KV_ENTRIES = {
  /** The per-model checks made once before the first run (see agent model probing). */
  models_validated: z.array(
    z.object({
      role: z.enum(['agent', 'judge']),
      requested: z.string(),
      model: z.string(),
      via: z.string(),
      outcome: z.enum(['ok', 'rate_limited', 'unchecked']),
    }),
  ),
  /** What the reports on disk were last written from: nothing newer, nothing to rewrite. */
  reports_written: z.object({
    lastTransition: z.number().int(),
    judgeSet: z.number().int(),
    version: z.string(),
    formats: z.array(z.string()),
  }),
  /** The build pipeline's result on the untouched base commit (its shape is the judge layer's). */
  pipeline_baseline: z.looseObject({ summary: z.string(), steps: z.array(z.unknown()) }),
} as const;

export type KvKey = keyof typeof KV_ENTRIES;
export type KvValue<K extends KvKey> = z.output<(typeof KV_ENTRIES)[K]>;
