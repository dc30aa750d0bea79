import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadYamlFile } from '../../src/config/load-yaml.js';
import { TestCaseSpecSchema } from '../../src/config/test-case-schema.js';
import { tmpDir } from '../helpers/tmp.js';
import { configError } from '../helpers/config-error.js';

function load(text: string) {
  const file = join(tmpDir(), 'test.yaml');
  writeFileSync(file, text);
  return { file, load: () => loadYamlFile(file, TestCaseSpecSchema).value };
}

describe('test.yaml schema', () => {
  it('parses the original fixture shape and fills defaults', () => {
    const spec = load(
      'id: "test-001"\nname: "Test Case 001"\nsource:\n  repo: "https://github.com/example/repo"\n  hash: "abc123def456"\n' +
        'task:\n  timeout_seconds: 1800\nvalidation:\n  criteria_file: "expected/criteria.md"\n',
    ).load();
    expect(spec.id).toBe('test-001');
    expect(spec.language).toBe('other');
    expect(spec.task).toEqual({ prompt_file: 'prompt.md', timeout_seconds: 1800 });
    expect(spec.source?.hash).toBe('abc123def456');
  });

  it('normalises tier ids and language to canonical case', () => {
    const spec = load('id: x\nlanguage: Python\ntiers: [t0, T1, t5]\n').load();
    expect(spec.tiers).toEqual(['T0', 'T1', 'T5']);
    expect(spec.language).toBe('python');
  });

  it('allows unknown top-level keys but rejects unknown keys inside source with file, line and field', () => {
    expect(load('id: x\nfuture_key: 1\n').load()).toMatchObject({ id: 'x', future_key: 1 });
    const { file, load: l } = load('id: x\nsource:\n  repo: r\n  commit: abc1234\n');
    const err = configError(l);
    expect(err.file).toBe(file);
    expect(err.line).toBe(4);
    expect(err.field).toBe('source.commit');
  });

  it('rejects unknown keys inside task and malformed hashes', () => {
    expect(configError(load('id: x\ntask:\n  prompt: p.md\n').load).field).toBe('task.prompt');
    const err = configError(load('id: x\nsource:\n  repo: r\n  hash: xyz\n').load);
    expect(err.field).toBe('source.hash');
    expect(err.line).toBe(4);
  });

  it('rejects an unknown tier and a missing id', () => {
    expect(configError(load('id: x\ntiers: [T7]\n').load).field).toBe('tiers.0');
    expect(configError(load('name: no id\n').load).field).toBe('id');
  });

  it('accepts a pipeline override and rejects a step without run', () => {
    const spec = load('id: x\npipeline:\n  - {name: test, run: "pytest -q"}\n').load();
    expect(spec.pipeline).toEqual([{ name: 'test', run: 'pytest -q' }]);
    expect(configError(load('id: x\npipeline:\n  - {name: test}\n').load).field).toBe('pipeline.0.run');
  });

  it('reports bad YAML with its line', () => {
    const err = configError(load('id: x\nsource:\n  repo: [unclosed\n').load);
    expect(err.message).toMatch(/invalid YAML/);
    expect(err.line).toBeGreaterThanOrEqual(3);
  });
});
