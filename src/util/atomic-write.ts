// Crash-safe file writes: temp file, fsync, rename, fsync the directory.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { asDiskFull } from './disk.js';

let counter = 0;

/** Write `data` to `file` so that after a crash the file is either the old or the new content. */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): void {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.tmp-${process.pid}-${counter++}`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    // A full disk leaves the old file as it was, and no half-written temp file behind.
    rmSync(tmp, { force: true });
    throw asDiskFull(e, file);
  }
  renameSync(tmp, file);
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** JSON with two-space indent and a trailing newline, written atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
