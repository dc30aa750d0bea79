// A worker's clones of task repositories, one per repository and commit, made once and shared by
// every job of the same experiment (each run gets its own worktree on it, as on a coordinator).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ensureBaseClone, type BaseClone } from '../workspace/base-clone.js';

export class CloneCache {
  private readonly clones = new Map<string, Promise<BaseClone>>();

  constructor(private readonly dir: string) {}

  /** The clone of `url` at `commit` (made now, or found from an earlier job or worker). */
  get(repo: { url: string; commit: string }): Promise<BaseClone> {
    const key = `${createHash('sha256').update(repo.url).digest('hex').slice(0, 12)}-${repo.commit.slice(0, 12)}`;
    let clone = this.clones.get(key);
    if (!clone) {
      clone = ensureBaseClone({ repo: repo.url, commit: repo.commit, dest: join(this.dir, key) });
      this.clones.set(key, clone);
      // A failed clone (network) is tried again by the next job.
      clone.catch(() => this.clones.delete(key));
    }
    return clone;
  }
}
