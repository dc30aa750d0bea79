// `scylla status [DIR]`: progress of a running or finished experiment, from its store alone.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DB_FILE } from '../../engine/experiment-dir.js';
import { progressSnapshot, renderProgress } from '../../engine/progress.js';
import { pidAlive } from '../../util/pid-alive.js';
import { NotAnExperimentError } from '../../errors.js';
import { openStoreReader } from '../../store/reader.js';
import { newestExperimentDir } from '../experiment-arg.js';

export async function run(
  dir: string | undefined,
  opts: { json?: boolean; watch?: boolean; interval?: number },
): Promise<number> {
  const expDir = resolveExperimentDir(dir ?? 'results');
  for (;;) {
    const store = openStoreReader(join(expDir, DB_FILE));
    let alive: boolean;
    try {
      const s = progressSnapshot(store);
      alive = s.ownerPid !== null && pidAlive(s.ownerPid);
      // "running" in the store with nobody running it: its owner died (kill -9, a full disk).
      if (s.status === 'running' && !alive) s.status = 'stopped (owner gone)';
      if (opts.json) console.log(JSON.stringify({ dir: expDir, ownerAlive: alive, ...s }));
      else {
        if (opts.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
        console.log(
          [`${expDir}${alive ? `  (running, pid ${s.ownerPid})` : ''}`, ...renderProgress(s, 50)].join('\n'),
        );
      }
    } finally {
      store.close();
    }
    if (!opts.watch || !alive) return 0;
    await sleep((opts.interval ?? 2) * 1000);
  }
}

/** An experiment dir (holding scylla.db), or a results dir whose newest experiment is meant. */
export function resolveExperimentDir(dir: string): string {
  const abs = resolve(dir);
  if (existsSync(join(abs, DB_FILE))) return abs;
  const newest = newestExperimentDir(abs);
  if (!newest) throw new NotAnExperimentError(abs, 'no scylla.db in it or in any directory below it');
  return newest;
}
