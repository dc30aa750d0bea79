// A worker's clones of task repositories, one per repository and commit, made once and shared by
// every job of the same experiment: the clone receives the runs' branches (as an experiment's
// archive does), its pristine task store is what every run repository borrows objects from.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ensureBaseClone, type BaseClone } from '../workspace/base-clone.js';
import { ensurePristineStore } from '../workspace/run-repo.js';

/** A clone, and the store of the task's own history next to it. */
export interface WorkerClone extends BaseClone {
  taskStore: string;
}

export class CloneCache {
  private readonly clones = new Map<string, Promise<WorkerClone>>();

  constructor(private readonly dir: string) {}

  /** The clone of `url` at `commit` (made now, or found from an earlier job or worker). */
  get(repo: { url: string; commit: string }): Promise<WorkerClone> {
    const key = `${createHash('sha256').update(repo.url).digest('hex').slice(0, 12)}-${repo.commit.slice(0, 12)}`;
    let clone = this.clones.get(key);
    if (!clone) {
      const taskStore = join(this.dir, `${key}.task.git`);
      clone = ensureBaseClone({ repo: repo.url, commit: repo.commit, dest: join(this.dir, key) }).then(
        async (c) => {
          await ensurePristineStore(c.path, c.commit, taskStore);
          return { ...c, taskStore };
        },
      );
      this.clones.set(key, clone);
      // A failed clone (network) is tried again by the next job.
      clone.catch(() => this.clones.delete(key));
    }
    return clone;
  }
}
