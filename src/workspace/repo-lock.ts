// One worktree-administration command at a time per base clone, within this process.
//
// Git's worktree bookkeeping is not safe under concurrency: two `git worktree add` calls on one
// repository race for the admin directory names (`workspace`, `workspace1`, ...) and one can read
// the other's half-written entry ("failed to read .git/worktrees/workspace1/commondir"), and a
// `worktree prune` can delete an entry that an `add` is still filling in. Runs in parallel slots
// share one base clone, so every add, remove and prune on it goes through this lock. Other
// processes never share the clone: an experiment directory is held by one live process.
import { resolve } from 'node:path';

const tails = new Map<string, Promise<unknown>>();

/** Run `fn` once every earlier `withRepoLock` call on the same repository has settled. */
export async function withRepoLock<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(repo);
  const before = tails.get(key) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const tail = mine.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await mine;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
