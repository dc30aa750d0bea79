// "The disk is full" as one condition, whoever noticed it (a file write, SQLite, git, a log
// stream): recognised from error codes, reported with the path and the space left.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DiskFullError } from '../errors.js';

const CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Is `e` the file system (or SQLite on it) saying there is no space left? */
export function isNoSpace(e: unknown): boolean {
  if (e instanceof DiskFullError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CODES.has(code);
}

/** Bytes free for us on the file system holding `path` (null when it cannot be told). */
export function freeBytes(path: string): number | null {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = statfsSync(p);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}

/** Below this much free space a run does not start, and an agent that ended there did not end on its own. */
export const MIN_FREE_BYTES = 1024 * 1024;

/** Throw DiskFullError when the file system of `path` has less than `min` bytes free. */
export function assertFreeSpace(path: string, min = MIN_FREE_BYTES): void {
  const free = freeBytes(path);
  if (free !== null && free < min) throw new DiskFullError(path, free);
}

/** `e` as a DiskFullError about `path` when it is one, else `e` unchanged. */
export function asDiskFull(e: unknown, path: string): unknown {
  if (e instanceof DiskFullError || !isNoSpace(e)) return e;
  return new DiskFullError(path, freeBytes(path), { cause: e });
}
