// The committed JSON Schemas under schemas/ match the zod schemas (regenerate: scylla schema --write schemas).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  SCHEMA_KINDS,
  schemaFileName,
  schemaFileText,
  type SchemaKind,
} from '../../src/config/json-schema.js';

const schemasDir = fileURLToPath(new URL('../../schemas', import.meta.url));

describe('schemas/*.json', () => {
  for (const kind of Object.keys(SCHEMA_KINDS) as SchemaKind[]) {
    it(`${schemaFileName(kind)} is current`, () => {
      const committed = readFileSync(join(schemasDir, schemaFileName(kind)), 'utf8');
      expect(committed, `stale: run \`npx tsx src/cli/entry.ts schema --write schemas\``).toBe(
        schemaFileText(kind),
      );
    });
  }

  it('describe what a user writes: subtest keys, tool modes, tier ids', () => {
    const subtest = JSON.parse(schemaFileText('subtest')) as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(Object.keys(subtest.properties)).toEqual(
      expect.arrayContaining([
        'resources',
        'tools',
        'mcp_servers',
        'system_prompt_mode',
        'inherit_best_from',
        'agent',
        'thinking',
      ]),
    );
    expect(subtest.additionalProperties).toBe(false);
    expect(JSON.stringify(subtest.properties.system_prompt_mode)).toContain('"none"');
    const test = JSON.parse(schemaFileText('test')) as { required: string[] };
    expect(test.required).toEqual(['id']);
  });
});
