// The shape of one changed file of a run, and parsing git's NUL-separated name-status output into it.
import { z } from 'zod';

/** One file the run changed, relative to the workspace root. */
export const ChangedFileSchema = z.object({
  /** Path after the change (for a rename: the new path), `/`-separated, exactly as git stores it. */
  path: z.string().min(1),
  status: z.enum(['added', 'modified', 'deleted', 'renamed']),
  /** Scylla's own configuration (`CLAUDE.md`, `.claude/`), not the agent's work: kept in the record, left out of listings. */
  framework: z.boolean(),
  /** For a rename: the path before it. */
  oldPath: z.string().optional(),
});

/** One file the run changed. */
export type ChangedFile = z.infer<typeof ChangedFileSchema>;

/** Is this workspace-relative path part of the materialised configuration (`CLAUDE.md` or under `.claude/`)? */
export function isFrameworkPath(path: string): boolean {
  return path === 'CLAUDE.md' || path === '.claude' || path.startsWith('.claude/');
}

const STATUS: Record<string, ChangedFile['status']> = {
  A: 'added',
  C: 'added',
  M: 'modified',
  T: 'modified',
  U: 'modified',
  D: 'deleted',
  R: 'renamed',
};

/** Parse `git diff --name-status -z` output (`S\0path\0` or `Rnnn\0old\0new\0`). */
export function parseNameStatusZ(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  let i = 0;
  while (i < parts.length && parts[i] !== '') {
    const code = parts[i][0];
    const status = STATUS[code] ?? 'modified';
    if (code === 'R' || code === 'C') {
      const oldPath = parts[i + 1];
      const path = parts[i + 2];
      // Judged by where the file is now: moving a file out of .claude/ is work the agent did.
      const framework = isFrameworkPath(path);
      files.push(code === 'R' ? { path, status, framework, oldPath } : { path, status, framework });
      i += 3;
    } else {
      const path = parts[i + 1];
      files.push({ path, status, framework: isFrameworkPath(path) });
      i += 2;
    }
  }
  return files;
}
