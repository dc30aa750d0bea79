// Quarantine of a run attempt that will be redone: `run_NN` moves to `.failed/run_NN_attempt_MM`.
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { failedDir } from './paths.js';

/**
 * Move `<subtestDir>/run_NN` to `<subtestDir>/.failed/run_NN_attempt_MM` (MM: one past the highest
 * attempt already there, two digits at least) with one atomic rename; returns the new path.
 *
 * A git worktree inside it is disconnected (its `.git` file becomes `.git.quarantined`): its
 * registration in the base clone is pruned later, and its admin directory may then be reused by
 * another run's worktree, which the moved copy must not appear to belong to. Call `removeWorktree`
 * first to free the disk instead of keeping the files.
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
        disconnectWorktree(join(dest, 'workspace'));
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

function disconnectWorktree(ws: string): void {
  const gitFile = join(ws, '.git');
  try {
    if (lstatSync(gitFile).isFile()) renameSync(gitFile, join(ws, '.git.quarantined'));
  } catch {
    /* no worktree in this attempt */
  }
}
