// Quarantine of a run attempt that will be redone: `run_NN` moves to `.failed/run_NN_attempt_MM`.
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { failedDir } from './paths.js';

/**
 * Move `<subtestDir>/run_NN` to `<subtestDir>/.failed/run_NN_attempt_MM` (MM: one past the highest
 * attempt already there, two digits at least) with one atomic rename; returns the new path.
 *
 * A run's workspace is a repository of its own (see run-repo.ts): moved along, it stays a
 * self-contained copy that nothing else refers to. Call `removeRunRepo` first to free the disk.
 */
export function quarantineRunDir(runDir: string): string {
  const failed = failedDir(dirname(runDir));
  const name = basename(runDir);
  mkdirSync(failed, { recursive: true });
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_attempt_(\\d+)$`);
  let next = 1;
  for (const entry of readdirSync(failed)) {
    const m = re.exec(entry);
    if (m) next = Math.max(next, Number(m[1]) + 1);
  }
  for (;;) {
    const dest = join(failed, `${name}_attempt_${String(next).padStart(2, '0')}`);
    if (!existsSync(dest)) {
      try {
        renameSync(runDir, dest);
        return dest;
      } catch (e) {
        // Another process took this number between the check and the rename: try the next one.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
      }
    }
    next++;
  }
}
