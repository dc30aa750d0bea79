// `scylla validate --tiers-dir DIR [--tiers ...] [--json]`: what every subtest will receive, and every problem.
import { relative } from 'node:path';
import {
  validateTestCase,
  type Problem,
  type SubtestView,
  type ValidationReport,
} from '../../fixture/validate.js';
import { sandboxForecast } from '../../engine/sandbox-policy.js';

export interface ValidateOptions {
  tiersDir: string;
  tiers?: string[];
  json?: boolean;
  sandbox?: 'auto' | 'bwrap' | 'none';
}

/** Validate, print (a table per tier and the problems, or JSON), and return the exit code: 1 on errors. */
export async function run(opts: ValidateOptions): Promise<number> {
  const report = validateTestCase(opts.tiersDir, { tiers: opts.tiers });
  // Whether runs will be sandboxed on this machine (bubblewrap is probed; nothing is changed).
  const sandbox = await sandboxForecast(opts.sandbox ?? 'auto', process.env);
  if (opts.json) console.log(JSON.stringify({ ...report, sandbox }, null, 2));
  else console.log(`${render(report)}\nSandbox: ${sandbox}`);
  return report.errors > 0 ? 1 : 0;
}

const list = (xs: readonly string[], max = 4) =>
  !xs.length ? '-' : xs.length <= max ? xs.join(',') : `${xs.slice(0, max).join(',')},… (${xs.length})`;

function row(s: SubtestView): string[] {
  return [
    `${s.id} ${s.dirName.slice(2).replace(/^[-_]/, '')}`,
    list(s.blocks),
    list(s.skills),
    list(s.agents) + (s.mainAgent ? ` (main: ${s.mainAgent})` : ''),
    s.tools,
    list(s.mcp),
    s.systemPrompt + (s.thinking ? `, thinking ${s.thinking}` : ''),
    s.base ?? '-',
  ];
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function where(p: Problem, cwd: string): string {
  if (!p.file) return '';
  const rel = relative(cwd, p.file);
  const file = rel && !rel.startsWith('..') ? rel : p.file;
  return `${file}${p.line ? `:${p.line}` : ''}: `;
}

/** Human-readable report. */
export function render(r: ValidationReport, cwd = process.cwd()): string {
  const out: string[] = [
    `Test case ${r.testId ?? '?'} (${r.dir})`,
    `Resources: ${r.resourcesDir ?? 'none'}`,
    '',
  ];
  const header = ['subtest', 'blocks', 'skills', 'agents', 'tools', 'MCP', 'system prompt', 'base'];
  for (const t of r.tiers) {
    out.push(`${t.id} (${t.subtests.length} subtest${t.subtests.length === 1 ? '' : 's'})`);
    out.push(...table(header, t.subtests.map(row)), '');
  }
  for (const p of r.problems)
    out.push(
      `${p.severity === 'error' ? 'error  ' : 'warning'} ${where(p, cwd)}${p.field ? `${p.field}: ` : ''}${p.message}`,
    );
  out.push(
    `${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`,
  );
  return out.join('\n');
}
