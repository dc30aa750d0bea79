// The raw git floor of one run, measured in the same process run as the rest: what git alone costs
// for a run's workspace — worktree add, two commits (configuration, agent), the diff, worktree
// remove — through the same process runner Scylla uses. Overhead targets are multiples of it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../src/workspace/git.js';
import { gitdir } from '../test/helpers/gitdir.js';
import { median, work } from './kit.js';

/** Median milliseconds of `n` floor runs. */
export async function gitFloorMs(n = 20): Promise<number> {
  mkdirSync(join(work, 'floor-repo'), { recursive: true });
  const repo = gitdir({ 'README.md': '# floor\n' }, join(work, 'floor-repo'));
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const ws = join(work, 'floor', `ws${i}`);
    mkdirSync(join(work, 'floor'), { recursive: true });
    const t = performance.now();
    await runGit(repo.path, ['worktree', 'add', '--quiet', '-b', `b${i}`, ws, repo.commit]);
    writeFileSync(join(ws, 'CLAUDE.md'), '# config\n');
    await runGit(ws, ['add', '-A']);
    await runGit(ws, ['commit', '--quiet', '-m', 'config']);
    writeFileSync(join(ws, 'hello.py'), 'print("Hello, World!")\n');
    await runGit(ws, ['add', '-A']);
    await runGit(ws, ['commit', '--quiet', '-m', 'agent']);
    await runGit(ws, ['diff', '--binary', 'HEAD~1', 'HEAD']);
    await runGit(repo.path, ['worktree', 'remove', '--force', ws]);
    times.push(performance.now() - t);
  }
  return median(times);
}
