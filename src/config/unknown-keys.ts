// Warnings for keys a loosely read file carries that this version does not read (the original's files
// carry assorted ones): each at its own line, never an error.
import type { Problem } from '../problem.js';

/** Where lines of a parsed YAML file can be found. */
export interface KeySource {
  file: string;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** One warning per key of `obj` not in `known`, at `prefix.key`. */
export function unknownKeyWarnings(
  src: KeySource,
  obj: unknown,
  known: readonly string[],
  prefix: readonly string[],
  why: string,
): Problem[] {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return [];
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => ({
      severity: 'warning' as const,
      file: src.file,
      line: src.lineOf([...prefix, k]),
      field: [...prefix, k].join('.'),
      message: `unknown key '${k}': ${why}`,
    }));
}
