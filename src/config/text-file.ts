// Reading the user's inputs. A text input (YAML files, the prompt, criteria, blocks, ...) is a regular
// file of at most MAX_INPUT_BYTES, valid UTF-8 without NUL bytes (a leading BOM is dropped); a named
// directory is a directory. Every way it can fail is a ConfigError naming the file (and the line where
// the content goes wrong), or the place that named the path.
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { ProblemPlace } from '../problem.js';

/** The size limit of every text input (prompt, criteria, rubric, reference patch, YAML, blocks). */
export const MAX_INPUT_BYTES = 1024 * 1024;
const LIMIT_TEXT = '1 MiB';

export interface ReadTextOptions {
  /** Where the path was named (e.g. test.yaml's `task.prompt_file`): "not found" and the like point there. */
  namedAt?: ProblemPlace & { value?: unknown };
  /** An empty (or whitespace-only) file is an error. */
  nonEmpty?: boolean;
}

/** Why `file` cannot be opened as a regular file, in words (null when it can). */
export function unreadableReason(file: string): string | null {
  try {
    if (statSync(file).isDirectory()) return 'is a directory, not a file';
    return null;
  } catch (e) {
    return errnoReason(e);
  }
}

/** An fs error as the reason a path cannot be used. */
export function errnoReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'ELOOP') return 'is a symlink loop';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'ENOTDIR') return 'not found (a part of the path is a file)';
  return `cannot be read (${code ?? (e as Error).message})`;
}

/** Check that `dir` is a directory; else a ConfigError at `at` (the place that named it). */
export function checkDirectory(dir: string, at: ProblemPlace & { value?: unknown }): string {
  let reason: string | null;
  try {
    reason = statSync(dir).isDirectory() ? null : 'is a file, not a directory';
  } catch (e) {
    reason = errnoReason(e);
  }
  if (reason) throw new ConfigError(at.value === dir ? reason : `${reason}: ${dir}`, at);
  return dir;
}

/** Read `file` as text, or throw a ConfigError saying why it is not usable text. */
export function readTextFile(file: string, opts: ReadTextOptions = {}): string {
  const where = opts.namedAt ?? { file };
  const reason = unreadableReason(file);
  // Named elsewhere: the path as resolved, unless the value says it already.
  const shown = opts.namedAt && opts.namedAt.value !== file ? `: ${file}` : '';
  if (reason) throw new ConfigError(reason + shown, where);
  const size = statSync(file).size;
  if (size > MAX_INPUT_BYTES)
    throw new ConfigError(`is ${size} bytes; the limit is ${LIMIT_TEXT} (${MAX_INPUT_BYTES} bytes)`, {
      file,
    });
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new ConfigError(errnoReason(e), { file });
  }
  return decodeText(buf, file, opts.nonEmpty === true);
}

/** UTF-8 text of `buf` (BOM dropped), or a ConfigError at the line where it stops being text. */
export function decodeText(buf: Buffer, file: string, nonEmpty = false): string {
  const nul = buf.indexOf(0);
  if (nul >= 0)
    throw new ConfigError('is not text: it has a NUL byte (a binary file?)', {
      file,
      line: lineAt(buf, nul),
    });
  if (!isUtf8(buf)) {
    const at = firstInvalidUtf8(buf);
    throw new ConfigError(
      `is not text: invalid UTF-8${at >= 0 ? ` (byte 0x${buf[at].toString(16)} at offset ${at})` : ''}`,
      { file, ...(at >= 0 ? { line: lineAt(buf, at) } : {}) },
    );
  }
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  if (nonEmpty && !text.trim()) throw new ConfigError('is empty', { file });
  return text;
}

/** 1-based line of byte `offset`. */
function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(10); i >= 0 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  return line;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (-1 when none is found). */
function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length;) {
    const b = buf[i];
    const n =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= buf.length || (buf[i + k] & 0xc0) !== 0x80) return i;
    if (!isUtf8(buf.subarray(i, i + n + 1))) return i;
    i += n + 1;
  }
  return -1;
}
