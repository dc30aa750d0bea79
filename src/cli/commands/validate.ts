// `scylla validate --tiers-dir DIR [--tiers ...] [--subtests ...] [--json]`: what every subtest will
// receive, and every problem (with file, line, field and value).
import { TierIdSchema } from '../../config/experiment-config.js';
import { formatProblem } from '../../problem.js';
import { parseSelection } from '../../config/subtest-selection.js';
import { UsageError } from '../../errors.js';
import { commitProblem } from '../../engine/check-commit.js';
import { validateTestCase, type SubtestView, type ValidationReport } from '../../fixture/validate.js';
import { sandboxForecast } from '../../engine/sandbox-policy.js';

export interface ValidateOptions {
  tiersDir: string;
  tiers?: string[];
  subtests?: string[];
  subtestsDir?: string;
  skipAgentTeams?: boolean;
  json?: boolean;
  sandbox?: 'auto' | 'bwrap' | 'none';
}

/** Validate, print (a table per tier and the problems, or JSON), and return the exit code: 1 on errors. */
export async function run(opts: ValidateOptions): Promise<number> {
  // A malformed flag value is a usage error, as in `run`.
  const bad = opts.subtests?.length ? parseSelection(opts.subtests).bad : [];
  if (bad.length) throw new UsageError(`--subtests: ${bad.join('; ')}`);
  for (const t of opts.tiers ?? [])
    if (!TierIdSchema.safeParse(t).success)
      throw new UsageError(`--tiers: ${JSON.stringify(t)} is not a tier (T0..T6)`);
  const report = validateTestCase(opts.tiersDir, {
    tiers: opts.tiers,
    subtests: opts.subtests,
    subtestsDir: opts.subtestsDir,
    skipAgentTeams: opts.skipAgentTeams,
  });
  // The commit is looked up in a local repository, as `run` does before anything is created.
  const r = report.repository;
  const badCommit = r ? await commitProblem(r.repo, r.commit, r.commitAt) : null;
  if (badCommit) {
    report.problems.push(badCommit);
    report.errors++;
  }
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
