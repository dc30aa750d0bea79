// `scylla repair DIR [--apply]`: check a store against the run directories, or rebuild it from them.
import { resolve } from 'node:path';
import { applyRepair, planRepair } from '../../engine/repair.js';
import { EXIT_CODES } from '../../errors.js';

export async function run(dir: string, opts: { apply?: boolean }): Promise<number> {
  const plan = planRepair(resolve(dir));
  const finished = plan.found.filter((f) => f.row.state === 'finalized' || f.row.state === 'cleaned').length;
  console.log(
    `${plan.expDir}: ${plan.found.length} run directories (${finished} finished); store ${plan.store}`,
  );
  for (const d of plan.differences) console.log(`  ${d}`);
  if (plan.store === 'ok' && plan.differences.length === 0) {
    console.log('The store agrees with the run directories; nothing to repair.');
    return EXIT_CODES.ok;
  }
  if (!opts.apply) {
    console.log('Run again with --apply to rebuild the store from the run directories.');
    return EXIT_CODES.ok;
  }
  const kept = await applyRepair(plan);
  console.log(`Store rebuilt from ${plan.found.length} run directories; reports written.`);
  if (kept) console.log(`The previous store is kept as ${kept}`);
  return EXIT_CODES.ok;
}
