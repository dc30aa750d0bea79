// Prints a DryRunPlan: the experiment, which subtests were chosen, and each subtest's runs.
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { DryRunPlan } from '../engine/dry-run.js';

/** What of the experiment's subtests is left out, in words (null: nothing). */
function chosen(c: Pick<ExperimentConfig, 'subtests' | 'skipAgentTeams'> | undefined): string | null {
  const parts = [
    ...(c?.subtests ? [`only ${c.subtests.join(', ')} (--subtests)`] : []),
    ...(c?.skipAgentTeams ? ['no agent-teams subtests (--skip-agent-teams)'] : []),
  ];
  return parts.length ? `Subtests: ${parts.join('; ')}` : null;
}

export function printDryRun(p: DryRunPlan, id: string, sandbox: string, config?: ExperimentConfig): void {
  const lines = [
    `Experiment ${id}: ${p.resumeDir ? `would resume ${p.resumeDir}` : 'would start a new experiment directory'}`,
    `Sandbox: ${sandbox}`,
    `Tier groups (each waits for the winners of the ones before): ${p.groups.map((g) => g.join(' ')).join(' → ')}`,
    ...[chosen(config)].filter((l): l is string => l !== null),
  ];
  if (p.configChanges.length)
    lines.push(
      'The configuration differs from that experiment (the run would refuse; add --fresh):',
      ...p.configChanges.map((c) => `  ${c}`),
    );
  lines.push('', 'tier/subtest  name                          new  continue  redo  done');
  for (const s of p.subtests)
    lines.push(
      `${`${s.tier}/${s.subtest}`.padEnd(13)} ${s.name.slice(0, 28).padEnd(28)} ${String(s.counts.start).padStart(4)} ${String(s.counts.continue).padStart(9)} ${String(s.counts.redo).padStart(5)} ${String(s.counts.skip).padStart(5)}`,
    );
  const t = p.totals;
  lines.push(
    '',
    `Agent runs to start: ${t.start + t.redo} (${t.start} new, ${t.redo} redone); runs to continue: ${t.continue}; finished: ${t.skip}.`,
  );
  console.log(lines.join('\n'));
}
