// `scylla schema <kind>` prints a JSON Schema; `scylla schema --write DIR` writes all of them (schemas/ is made so).
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { SCHEMA_KINDS, schemaFileName, schemaFileText, type SchemaKind } from '../../config/json-schema.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export interface SchemaOptions {
  /** test | subtest | tiers | rubric | experiment; omitted with `write`. */
  kind?: string;
  /** Write every schema into this directory instead of printing one. */
  write?: string;
}

export function run(opts: SchemaOptions): Promise<number> {
  // Synchronous work; a throw becomes a rejection like in the other commands.
  return new Promise((resolve) => resolve(execute(opts)));
}

function execute(opts: SchemaOptions): number {
  const kinds = Object.keys(SCHEMA_KINDS) as SchemaKind[];
  if (opts.write) {
    for (const k of opts.kind ? [checkKind(opts.kind, kinds)] : kinds) {
      const file = join(opts.write, schemaFileName(k));
      writeFileAtomic(file, schemaFileText(k));
      console.log(file);
    }
    return 0;
  }
  if (!opts.kind) throw new UsageError(`give a schema kind: ${kinds.join(', ')}`);
  process.stdout.write(schemaFileText(checkKind(opts.kind, kinds)));
  return 0;
}

function checkKind(kind: string, kinds: SchemaKind[]): SchemaKind {
  if (!(kinds as string[]).includes(kind))
    throw new UsageError(`unknown schema kind '${kind}' (expected ${kinds.join(', ')})`);
  return kind as SchemaKind;
}
