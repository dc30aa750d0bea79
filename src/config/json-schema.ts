// JSON Schemas of the user-written files, generated from the zod schemas (editors; `scylla schema <kind>`).
import { z } from 'zod';
import { ExperimentFileSchema } from './resolve-experiment.js';
import { RubricSchema } from './rubric.js';
import { SubtestConfigSchema } from './subtest-schema.js';
import { TestCaseSpecSchema } from './test-case-schema.js';
import { TiersFileSchema } from './tiers-file.js';

/** The files a user writes, by kind. */
export const SCHEMA_KINDS = {
  test: { schema: TestCaseSpecSchema, title: 'Scylla test case (test.yaml)' },
  subtest: {
    schema: SubtestConfigSchema,
    title: 'Scylla subtest (tN/NN-name/config.yaml, or a shared subtests/tN/NN-name.yaml)',
  },
  tiers: { schema: TiersFileSchema, title: 'Scylla tier names (the shared tiers.yaml)' },
  rubric: { schema: RubricSchema, title: 'Scylla rubric (expected/rubric.yaml)' },
  experiment: { schema: ExperimentFileSchema, title: 'Scylla experiment config (--config FILE)' },
} as const;

export type SchemaKind = keyof typeof SCHEMA_KINDS;

/** File name under `schemas/`. */
export const schemaFileName = (kind: SchemaKind) => `${kind}.schema.json`;

/** The JSON Schema (draft 2020-12) of what a user may write: input shapes, before defaults and transforms. */
export function jsonSchemaFor(kind: SchemaKind): Record<string, unknown> {
  const { schema, title } = SCHEMA_KINDS[kind];
  const generated = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return { $schema, title, ...rest };
}

/** The exact text of `schemas/<kind>.schema.json`. */
export function schemaFileText(kind: SchemaKind): string {
  return JSON.stringify(jsonSchemaFor(kind), null, 2) + '\n';
}
