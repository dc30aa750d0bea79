// zod issues → problems of a YAML file: each at its own key's line, with the offending value and a
// message that reads after it (`"yes" is not a boolean`). A union names the branch the value was meant for.
import type { z } from 'zod';
import type { Problem } from '../problem.js';

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/** Where a YAML source can be asked for lines and values. */
export interface IssueSource {
  file: string;
  data: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** The message after the value. */
function phrase(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? 'is required' : `is not ${article(issue.expected)}`;
    case 'invalid_value':
      return `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return issue.message.replace(/^Too (small|big): /i, (_m, w: string) => `is too ${w}: `);
    case 'invalid_format':
      return `is not ${issue.format === 'regex' ? 'of the expected form' : article(issue.format)}: ${issue.message}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

/**
 * The issues of the union branch the value was meant for: branches that reject the value's very
 * type are dropped; of the others the first is taken. Null when no branch fits the type at all.
 */
function meantBranch(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | null {
  const fitting = issue.errors.filter(
    (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  return fitting[0] ?? null;
}

function flatten(issues: readonly Issue[], prefix: Path = []): { issue: Issue; path: Path }[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      const branch = meantBranch(issue);
      // A branch's own complaint about the value itself says less than the union's message, if it has one.
      const shallow = !branch || branch.every((i) => i.path.length === 0);
      if (branch && !(shallow && issue.message !== 'Invalid input')) return flatten(branch, path);
    }
    return [{ issue, path }];
  });
}

/** Every issue as a problem of `src`, in the order zod found them, duplicates dropped. */
export function issuesToProblems(src: IssueSource, issues: readonly Issue[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem) => {
    const key = `${p.field ?? ''}\0${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  for (const { issue, path } of flatten(issues)) {
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, at the key's own line.
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        push({
          severity: 'error',
          file: src.file,
          line: src.lineOf(keyPath),
          field: keyPath.map(String).join('.'),
          message: `unknown key '${key}'`,
        });
      }
      continue;
    }
    const found = valueAt(src.data, path);
    // A check of a whole list or mapping names its place; the value itself would say nothing.
    const value = issue.code === 'custom' && found !== null && typeof found === 'object' ? undefined : found;
    push({
      severity: 'error',
      file: src.file,
      line: src.lineOf(path),
      ...(path.length ? { field: path.map(String).join('.') } : {}),
      ...(value !== undefined ? { value } : {}),
      message: phrase(issue, value),
    });
  }
  return out;
}
