import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadYamlFile } from '../../src/config/load-yaml.js';
import { SubtestConfigSchema, effectiveResources, isSafeName } from '../../src/config/subtest-schema.js';
import { tmpDir } from '../helpers/tmp.js';
import { configError } from '../helpers/config-error.js';

function parse(text: string) {
  const file = join(tmpDir(), 'config.yaml');
  writeFileSync(file, text);
  return loadYamlFile(file, SubtestConfigSchema).value;
}

describe('subtest config.yaml schema', () => {
  it('parses the full shape, normalising MCP strings, agent .md names and tier ids', () => {
    const c = parse(
      [
        'name: Hybrid',
        'extends_previous: true',
        'resources:',
        '  claude_md: {blocks: [B01, B02]}',
        '  skills: {categories: [quality], names: [lint-fix]}',
        '  agents: {levels: [2, 3], names: [reviewer.md]}',
        'tools: {enabled: [Read, Write]}',
        'mcp_servers: [filesystem, {name: git, source: modelcontextprotocol}]',
        'system_prompt_mode: custom',
        'inherit_best_from: [t0, T1]',
        'agent: chief.md',
        'thinking: high',
      ].join('\n'),
    );
    expect(effectiveResources(c).agents?.value.names).toEqual(['reviewer']);
    expect(c.mcp_servers).toEqual([{ name: 'filesystem' }, { name: 'git', source: 'modelcontextprotocol' }]);
    expect(c.inherit_best_from).toEqual(['T0', 'T1']);
    expect(c.agent).toBe('chief');
  });

  it('reports an unknown key with file, line and field', () => {
    const dir = tmpDir();
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'name: x\nresources:\n  skills:\n    categorys: [quality]\n');
    const err = configError(() => loadYamlFile(file, SubtestConfigSchema));
    expect(err.file).toBe(file);
    expect(err.line).toBe(4);
    expect(err.field).toBe('resources.skills.categorys');
    expect(err.message).toContain(`${file}:4`);
  });

  it('reports bad YAML with its line', () => {
    const err = configError(() => parse('name: x\nresources: {claude_md: [\n'));
    expect(err.message).toMatch(/invalid YAML/);
    expect(err.line).toBeDefined();
  });

  it('rejects agent levels outside 0..5 and unknown thinking levels', () => {
    expect(configError(() => parse('agents: {levels: [6]}\n')).field).toBe('agents.levels.0');
    expect(configError(() => parse('thinking: ultra\n')).field).toBe('thinking');
    expect(configError(() => parse('tools: {enabled: some}\n')).message).toContain(
      "is not 'all', 'none' or a list",
    );
  });

  it('rejects path traversal in resource names', () => {
    expect(configError(() => parse('resources:\n  claude_md: {blocks: [../../etc/passwd]}\n')).field).toBe(
      'resources.claude_md.blocks.0',
    );
    expect(configError(() => parse('skills: {names: [a/b]}\n')).field).toBe('skills.names.0');
    expect(configError(() => parse('agents: {names: [/abs]}\n')).field).toBe('agents.names.0');
    expect(isSafeName('..')).toBe(false);
    expect(isSafeName('x..y')).toBe(false);
    expect(isSafeName('lint-fix')).toBe(true);
  });

  it('lets a non-empty root-level key override the same key under resources', () => {
    const eff = effectiveResources(
      parse(
        'resources:\n  skills: {categories: [a]}\n  tools: {enabled: all}\nskills: {names: [x]}\ntools: {}\n',
      ),
    );
    expect(eff.skills).toEqual({ value: { names: ['x'] }, path: ['skills'], namesPath: ['skills', 'names'] });
    // An empty root-level key does not override.
    expect(eff.tools).toEqual({ value: { enabled: 'all' }, path: ['resources', 'tools'] });
    expect(eff.agents).toBeNull();
  });
});
