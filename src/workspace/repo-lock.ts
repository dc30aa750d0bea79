// One write at a time per shared repository, within this process: runs in parallel slots fetch
// their branches into the experiment's archive (`repo/`) through this lock, so ref updates and
// object writes of one run never interleave with another's. Other processes never share the
// archive: an experiment directory is held by one live process.
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
