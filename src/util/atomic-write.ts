// Crash-safe file writes: temp file, fsync, rename, fsync the directory (or, for records that can
// be made again, atomic without forcing them to disk).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { asDiskFull } from './disk.js';

let counter = 0;

/** How a file is written. */
export interface WriteOptions {
  mode?: number;
  /**
   * true (default): forced to disk (file and directory) before this returns — what a later stage or
   * a resume after a power loss relies on. false: still atomic (a crash leaves the old or the new
   * content, never a mix) and kept by a kill -9, but not forced to disk: records that can be made
   * again (reports) or that are evidence beside the results (logs, prompts, provenance).
   */
  durable?: boolean;
  /** With `durable: false`: the content is still forced to disk before the rename (writeFilesAtomic). */
  dataDurable?: boolean;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write `data` to `file` so that after a crash the file is either the old or the new content. */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: number | WriteOptions = {},
): void {
  const {
    mode = 0o644,
    durable = true,
    dataDurable = false,
  } = typeof opts === 'number' ? { mode: opts } : opts;
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.tmp-${process.pid}-${counter++}`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (durable || dataDurable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    // A full disk leaves the old file as it was, and no half-written temp file behind.
    rmSync(tmp, { force: true });
    throw asDiskFull(e, file);
  }
  renameSync(tmp, file);
  if (durable) fsyncPath(dir);
}

/**
 * Several files, each as `writeFileAtomic` with `durable` writes it, forced to disk once per
 * directory instead of once per file: when this returns, every one is on disk.
 */
export function writeFilesAtomic(files: readonly { file: string; data: Uint8Array; mode: number }[]): void {
  const dirs = new Set<string>();
  for (const f of files) {
    writeFileAtomic(f.file, f.data, { mode: f.mode, durable: false, dataDurable: true });
    dirs.add(dirname(f.file));
  }
  for (const d of dirs) fsyncPath(d);
}

/** JSON with two-space indent and a trailing newline, written atomically. */
export function writeJsonAtomic(file: string, value: unknown, opts: WriteOptions = {}): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', opts);
}

/** A record beside the results: atomic, not forced to disk (see WriteOptions.durable). */
export const RECORD: WriteOptions = { durable: false };
