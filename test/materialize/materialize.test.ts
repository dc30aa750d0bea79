import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverTiers } from '../../src/fixture/discover.js';
import { loadResourceLibrary } from '../../src/fixture/resource-library.js';
import { resolveSubtest } from '../../src/fixture/resolve-subtest.js';
import type { ResolvedConfig } from '../../src/fixture/resolved-config.js';
import { materialize } from '../../src/materialize/materialize.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

const base = gitdir({ 'README.md': '# task\n' });
const { tiersDir, resourcesDir } = buildTestCase({
  repo: base,
  tiers: {
    T0: {
      '00-empty': {},
      '01-vanilla': {},
      '02-blocks': { resources: { claude_md: { blocks: ['B02', 'B01'] } } },
    },
    T5: {
      '01-all': {
        resources: {
          claude_md: { blocks: ['B03'] },
          skills: { categories: ['quality'] },
          agents: { levels: [2, 3] },
        },
      },
    },
  },
});
const lib = loadResourceLibrary(resourcesDir);
const tiers = discoverTiers(tiersDir, ['T0', 'T5']);
const resolved = (tier: number, i: number): ResolvedConfig => resolveSubtest(tiers[tier].subtests[i], lib);

/** A task repo that ships its own CLAUDE.md, a real skill and a link. */
function taskRepo(): string {
  return gitdir({
    'README.md': '# task\n',
    'CLAUDE.md': '# Repo instructions\n',
    '.claude/skills/repo-skill/SKILL.md': '# repo skill\n',
    '.claude/settings.json': '{}\n',
  }).path;
}

/** Stage and commit what materialise reported, as the engine does. */
function commit(ws: string, paths: string[]): void {
  git(ws, 'add', '-A', '--', ...paths);
  git(ws, 'commit', '-q', '-m', '[scylla] config');
}

describe('materialize', () => {
  it('writes CLAUDE.md and absolute skill/agent symlinks, and reports what it wrote', () => {
    const ws = taskRepo();
    const r = resolved(1, 0);
    const m = materialize(ws, r);
    expect(m.paths).toEqual([
      '.claude/agents/designer.md',
      '.claude/agents/reviewer.md',
      '.claude/skills/lint-fix',
      '.claude/skills/test-first',
      'CLAUDE.md',
    ]);
    expect(m.removed).toEqual([]);
    const claudeMd = readFileSync(join(ws, 'CLAUDE.md'), 'utf8');
    expect(claudeMd).toBe(readFileSync(join(resourcesDir, 'blocks', 'B03-testing.md'), 'utf8'));
    expect(m.claudeMdSha256).toBe(createHash('sha256').update(claudeMd).digest('hex'));
    expect(readlinkSync(join(ws, '.claude/skills/lint-fix'))).toBe(
      join(resourcesDir, 'skills', 'quality', 'lint-fix'),
    );
    expect(readlinkSync(join(ws, '.claude/agents/reviewer.md'))).toBe(
      join(resourcesDir, 'agents', 'L3', 'reviewer.md'),
    );
    expect(readFileSync(join(ws, '.claude/skills/test-first/SKILL.md'), 'utf8')).toContain('test-first');
    // The repo's own skill is left alone.
    expect(existsSync(join(ws, '.claude/skills/repo-skill/SKILL.md'))).toBe(true);
  });

  it('is idempotent: re-materialising after the config commit changes nothing', () => {
    const ws = taskRepo();
    const r = resolved(1, 0);
    const first = materialize(ws, r);
    commit(ws, first.paths);
    const second = materialize(ws, r);
    expect(second).toEqual(first);
    expect(git(ws, 'status', '--porcelain')).toBe('');
    expect(git(ws, 'ls-files', '-s', '.claude/skills/lint-fix')).toMatch(/^120000 /);
  });

  it('replaces stale links and a clashing real entry, keeping other repo files', () => {
    const ws = taskRepo();
    mkdirSync(join(ws, '.claude/agents'), { recursive: true });
    symlinkSync('/somewhere/old.md', join(ws, '.claude/agents/old.md'));
    symlinkSync('/somewhere/else', join(ws, '.claude/skills/lint-fix'));
    writeFileSync(join(ws, '.claude/agents/reviewer.md'), 'a real file in the way\n');
    const m = materialize(ws, resolved(1, 0));
    expect(m.removed).toEqual(['.claude/agents/old.md']);
    expect(m.paths).toContain('.claude/agents/old.md');
    expect(existsSync(join(ws, '.claude/agents/old.md'))).toBe(false);
    expect(readlinkSync(join(ws, '.claude/skills/lint-fix'))).toBe(
      join(resourcesDir, 'skills', 'quality', 'lint-fix'),
    );
    expect(lstatSync(join(ws, '.claude/agents/reviewer.md')).isSymbolicLink()).toBe(true);
  });

  it('does not write through a CLAUDE.md symlink', () => {
    const ws = gitdir({ 'README.md': 'x\n' }).path;
    const outside = join(tmpDir(), 'outside.md');
    writeFileSync(outside, 'keep me\n');
    symlinkSync(outside, join(ws, 'CLAUDE.md'));
    materialize(ws, resolved(0, 2));
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(ws, 'CLAUDE.md')).isSymbolicLink()).toBe(false);
  });

  it('removes CLAUDE.md and .claude for the empty and vanilla subtests, and the removal can be committed', () => {
    for (const i of [0, 1]) {
      const ws = taskRepo();
      const m = materialize(ws, resolved(0, i));
      expect(m).toEqual({
        paths: ['.claude', 'CLAUDE.md'],
        removed: ['.claude', 'CLAUDE.md'],
        claudeMdSha256: null,
      });
      expect(existsSync(join(ws, 'CLAUDE.md'))).toBe(false);
      expect(existsSync(join(ws, '.claude'))).toBe(false);
      commit(ws, m.paths);
      expect(git(ws, 'ls-files')).toBe('README.md');
      expect(materialize(ws, resolved(0, i)).paths).toEqual([]);
    }
  });

  it('leaves a repo CLAUDE.md alone when the configuration composes none', () => {
    const ws = taskRepo();
    const r: ResolvedConfig = {
      ...resolved(1, 0),
      claudeMd: { blocks: [], source: 'none', content: null },
      skills: [],
      agents: [],
    };
    const m = materialize(ws, r);
    expect(m).toEqual({ paths: [], removed: [], claudeMdSha256: null });
    expect(readFileSync(join(ws, 'CLAUDE.md'), 'utf8')).toBe('# Repo instructions\n');
  });

  it('rejects an unsafe resource name in a stored configuration', () => {
    const ws = gitdir({ 'README.md': 'x\n' }).path;
    const r: ResolvedConfig = {
      ...resolved(1, 0),
      skills: [{ name: '../escape', path: '/tmp', digest: 'x' }],
    };
    expect(() => materialize(ws, r)).toThrow(/unsafe resource name/);
  });
});
