import { describe, expect, it } from 'vitest';
import { discoverTiers } from '../../src/fixture/discover.js';
import { loadResourceLibrary } from '../../src/fixture/resource-library.js';
import { resolveSubtest } from '../../src/fixture/resolve-subtest.js';
import type { ResolvedConfig } from '../../src/fixture/resolved-config.js';
import { CLEANUP_SECTION, buildTaskPrompt } from '../../src/materialize/task-prompt.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';

function cfg(over: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return {
    tierId: 'T5',
    subtestId: '01',
    name: 'x',
    description: '',
    special: null,
    systemPromptMode: 'default',
    claudeMd: { blocks: [], source: 'none', content: null },
    skills: [],
    agents: [],
    tools: null,
    mcpServers: [],
    extendsPrevious: true,
    inheritBestFrom: [],
    inherited: null,
    inheritedWinners: [],
    ...over,
  };
}
const link = (name: string) => ({ name, path: `/lib/${name}`, digest: name });
const CLEANUP = [
  '## Cleanup Requirements',
  '',
  '- Delete any temporary files, build artefacts and caches you created while working on the task.',
  '- Leave only the final deliverables in the workspace.',
].join('\n');

describe('buildTaskPrompt', () => {
  it('adds the generic line and the cleanup section when no resource applies', () => {
    expect(buildTaskPrompt('Create hello.py.\n\n\n', cfg())).toBe(
      `Create hello.py.\n\nComplete this task with the tools available to you and your own judgment.\n\n${CLEANUP}\n`,
    );
    expect(CLEANUP_SECTION).toBe(CLEANUP);
  });

  it('lists sub-agents, skills, MCP servers and tools in that order, sorted and unique, singular or plural', () => {
    const p = buildTaskPrompt(
      'Task.',
      cfg({
        agents: [link('reviewer')],
        skills: [link('test-first'), link('lint-fix')],
        mcpServers: [{ name: 'time' }, { name: 'git' }],
        tools: { mode: 'list', names: ['Write', 'Read', 'Write'] },
      }),
    );
    expect(p).toBe(
      [
        'Task.',
        '',
        'Use the following sub-agent to complete this task:',
        '- reviewer',
        '',
        'Make maximal use of the following skills to complete this task:',
        '- lint-fix',
        '- test-first',
        '',
        'Make maximal use of the following MCP servers to complete this task:',
        '- git',
        '- time',
        '',
        'Make maximal use of the following tools to complete this task:',
        '- Read',
        '- Write',
        '',
        CLEANUP,
        '',
      ].join('\n'),
    );
  });

  it('uses one sentence for tools: all, nothing for tools: none, and omits the main agent from sub-agents', () => {
    const all = buildTaskPrompt('T', cfg({ tools: { mode: 'all', names: [] }, skills: [link('s')] }));
    expect(all).toContain(
      'Use the following skill to complete this task:\n- s\n\nUse all of the available tools',
    );
    expect(all).not.toContain('your own judgment');
    const none = buildTaskPrompt('T', cfg({ tools: { mode: 'none', names: [] } }));
    expect(none).toContain('your own judgment');
    const chief = buildTaskPrompt(
      'T',
      cfg({ agents: [link('chief'), link('a'), link('b')], mainAgent: 'chief' }),
    );
    expect(chief).toContain(
      'Make maximal use of the following sub-agents to complete this task:\n- a\n- b\n\n',
    );
    expect(chief).not.toContain('- chief');
  });

  it('is built from the effective configuration, baseline resources included', () => {
    const { tiersDir, resourcesDir } = buildTestCase({
      repo: gitdir({ 'a.txt': 'a\n' }),
      tiers: {
        T1: { '01-lint': { skills: { names: ['lint-fix'] } } },
        T5: { '01-more': { skills: { names: ['test-first'] } } },
      },
    });
    const lib = loadResourceLibrary(resourcesDir);
    const [t1, t5] = discoverTiers(tiersDir, ['T1', 'T5']);
    const baseline = resolveSubtest(t1.subtests[0], lib);
    const p = buildTaskPrompt('T', resolveSubtest(t5.subtests[0], lib, { baseline }));
    expect(p).toContain(
      'Make maximal use of the following skills to complete this task:\n- lint-fix\n- test-first\n',
    );
  });
});
