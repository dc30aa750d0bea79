// `scylla clean DIR [--dry-run]`: free the disk of a finished experiment; diffs, artefacts and the
// runs' commits stay.
import { resolve } from 'node:path';
import { applyClean, planClean } from '../../engine/clean.js';
import { EXIT_CODES } from '../../errors.js';
import { runLabel } from '../../store/run-key.js';

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

export async function run(dir: string, opts: { dryRun?: boolean }): Promise<number> {
  const plan = planClean(resolve(dir));
  if (!plan.worktrees.length && !plan.scratch.length) {
    console.log('Nothing to clean: no kept worktree or scratch directory.');
    return EXIT_CODES.ok;
  }
  for (const w of plan.worktrees) console.log(`  ${runLabel(w.run)} worktree (${mib(w.bytes)})`);
  for (const s of plan.scratch) console.log(`  ${s.path} (${mib(s.bytes)})`);
  if (opts.dryRun) {
    console.log(`Would free ${mib(plan.bytes)}.`);
    return EXIT_CODES.ok;
  }
  const freed = await applyClean(plan);
  console.log(`Freed ${mib(freed)}; every diff, artefact and run commit is kept.`);
  return EXIT_CODES.ok;
}
