// Content digests: sha256 as hex, of bytes or of a file (null when the file is absent).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** Hex sha256 of `data`. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hex sha256 of a file's bytes; null when there is no such file. */
export function fileSha256(file: string | null | undefined): string | null {
  return file && existsSync(file) ? sha256(readFileSync(file)) : null;
}
