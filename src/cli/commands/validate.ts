// `scylla validate --tiers-dir DIR [--tiers ...] [--subtests ...] [--json]`: what every subtest will
// receive, and every problem (with file, line, field and value).
import { formatProblem } from '../../problem.js';
import { validateTestCase, type SubtestView, type ValidationReport } from '../../fixture/validate.js';

export interface ValidateOptions {
  tiersDir: string;
  tiers?: string[];
  subtests?: string[];
  subtestsDir?: string;
  skipAgentTeams?: boolean;
  json?: boolean;
}

/** Validate, print (a table per tier and the problems, or JSON), and return the exit code: 1 on errors. */
export function run(opts: ValidateOptions): Promise<number> {
  // Synchronous work; a throw becomes a rejection like in the other commands.
  return new Promise((resolve) => resolve(execute(opts)));
}

function execute(opts: ValidateOptions): number {
  const report = validateTestCase(opts.tiersDir, {
    tiers: opts.tiers,
    subtests: opts.subtests,
    subtestsDir: opts.subtestsDir,
    skipAgentTeams: opts.skipAgentTeams,
  });
  if (opts.json) console.log(JSON.stringify(report, null, 2));
  else console.log(render(report));
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
    s.systemPrompt + (s.thinking ? `, thinking ${s.thinking}` : '') + (s.agentTeams ? ', agent teams' : ''),
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

/** Human-readable report. */
export function render(r: ValidationReport, cwd = process.cwd()): string {
  const out: string[] = [
    `Test case ${r.testId ?? '?'} (${r.dir})`,
    `Resources: ${r.resourcesDir ?? 'none'}`,
    ...(r.tiers.some((t) => t.origin === 'shared') ? [`Shared subtests: ${r.subtestsDir}`] : []),
    '',
  ];
  const header = ['subtest', 'blocks', 'skills', 'agents', 'tools', 'MCP', 'settings', 'base'];
  for (const t of r.tiers) {
    const count = `${t.subtests.length} subtest${t.subtests.length === 1 ? '' : 's'}`;
    const from = t.origin === 'shared' ? `, shared: ${t.dir}` : '';
    out.push(
      `${t.id}${t.name ? ` ${t.name}` : ''} (${count}${from})${t.description ? ` — ${t.description}` : ''}`,
    );
    out.push(...table(header, t.subtests.map(row)), '');
  }
  for (const p of r.problems)
    out.push(`${p.severity === 'error' ? 'error  ' : 'warning'} ${formatProblem(p, cwd)}`);
  out.push(
    `${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`,
  );
  return out.join('\n');
}
