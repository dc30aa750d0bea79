// `scylla init DIR --resources RES`: scaffold a test case and its ablation matrix, then validate it.
import { scaffoldTestCase } from '../../fixture/scaffold.js';
import { validateTestCase } from '../../fixture/validate.js';

export interface InitOptions {
  dir: string;
  resources: string;
  id?: string;
  repo?: string;
  commit?: string;
}

export function run(opts: InitOptions): Promise<number> {
  // Synchronous work; a throw becomes a rejection like in the other commands.
  return new Promise((resolve) => resolve(execute(opts)));
}

function execute(opts: InitOptions): number {
  const r = scaffoldTestCase(opts.dir, opts);
  const tiers = Object.entries(r.subtests)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  console.log(`Wrote ${r.files.length} files to ${r.dir} (subtests: ${tiers}).`);
  const v = validateTestCase(r.dir);
  console.log(`scylla validate: ${v.errors} errors, ${v.warnings} warnings.`);
  console.log(
    'Next: edit prompt.md, expected/criteria.md and expected/rubric.yaml, set source in test.yaml, then',
  );
  console.log(`  scylla validate --tiers-dir ${opts.dir}`);
  return v.errors > 0 ? 1 : 0;
}
