// A problem found in the user's input, as data from loading to printing: file, line, field, the
// offending value and a message that reads after it. ConfigError carries them; `validate --json` emits them.
import { relative } from 'node:path';
// Type-only: the schema (and zod) load only where a problem is parsed, not with every error class.
import type { Problem } from './problem-schema.js';

export type { Problem } from './problem-schema.js';

/** Where a problem is, for building several at one place. */
export type ProblemPlace = Pick<Problem, 'file' | 'line' | 'field'>;

/** A value as it is quoted in messages: JSON, shortened when long. */
export function quoteValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The file as shown: relative to `cwd` when it is below it. */
function shownFile(file: string, cwd: string | undefined): string {
  if (!cwd) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** `file:line: field: "value" message` (each part only when known). */
export function formatProblem(p: Omit<Problem, 'severity'>, cwd?: string): string {
  const where = p.file ? `${shownFile(p.file, cwd)}${p.line ? `:${p.line}` : ''}: ` : '';
  const field = p.field ? `${p.field}: ` : '';
  const value = p.value !== undefined ? `${quoteValue(p.value)} ` : '';
  return `${where}${field}${value}${p.message}`;
}

/** Several problems, one a line. */
export function formatProblems(ps: readonly Omit<Problem, 'severity'>[], cwd?: string): string {
  return ps.map((p) => formatProblem(p, cwd)).join('\n');
}

/** Errors first, then warnings; each group in the order found. */
export const errorsOf = (ps: readonly Problem[]) => ps.filter((p) => p.severity === 'error');
export const warningsOf = (ps: readonly Problem[]) => ps.filter((p) => p.severity === 'warning');
