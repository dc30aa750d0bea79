// The shared `tiers.yaml` of the original's later layout: a name and description per tier, shown in
// validate and the reports. Keys this version does not read are warnings; a malformed value is an error.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { TIER_IDS } from './experiment-config.js';
import { loadYamlFile } from './load-yaml.js';
import type { Problem } from '../problem.js';
import { unknownKeyWarnings } from './unknown-keys.js';

/** One tier's entry. `tools_enabled` / `delegation_enabled` are the original's labels (informational). */
export const TierInfoSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  tools_enabled: z.boolean().nullable().optional(),
  delegation_enabled: z.boolean().nullable().optional(),
  /** The older, non-E2E executor's tier prompt; not read. */
  prompt_file: z.string().optional(),
});
const TIER_INFO_KEYS = Object.keys(TierInfoSchema.shape);

/** `tiers.yaml`: `tiers: {T0: {...}, ...}`. */
export const TiersFileSchema = z.looseObject({
  tiers: z.record(z.string(), TierInfoSchema.nullable()).optional(),
});

/** The shared `tiers.yaml`: next to the shared subtests directory. */
export const tiersFileOf = (subtestsDir: string) => join(dirname(subtestsDir), 'tiers.yaml');

/** A tier's label, as the reports show it. */
export interface TierLabel {
  name?: string;
  description?: string;
}

/** The labels of `file`, and a warning for every key (or tier id) not read. Missing file: no labels. */
export function loadTiersFile(file: string): { labels: Map<string, TierLabel>; warnings: Problem[] } {
  const labels = new Map<string, TierLabel>();
  if (!existsSync(file)) return { labels, warnings: [] };
  const { value, source } = loadYamlFile(file, TiersFileSchema);
  const warnings = unknownKeyWarnings(source, source.data, ['tiers'], [], 'ignored');
  for (const [key, info] of Object.entries(value.tiers ?? {})) {
    const id = key.toUpperCase();
    if (!(TIER_IDS as readonly string[]).includes(id)) {
      warnings.push({
        severity: 'warning',
        file,
        line: source.lineOf(['tiers', key]),
        field: `tiers.${key}`,
        message: 'is not a tier (T0..T6): ignored',
      });
      continue;
    }
    warnings.push(...unknownKeyWarnings(source, info, TIER_INFO_KEYS, ['tiers', key], 'ignored'));
    labels.set(id, {
      ...(info?.name ? { name: info.name } : {}),
      ...(info?.description ? { description: info.description } : {}),
    });
  }
  return { labels, warnings };
}
