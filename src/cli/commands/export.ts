// `scylla export DIR --format csv|jsonl [--judgments] [--output FILE]`: one row per finalized run
// (or per judgment) for analysis elsewhere; stdout unless --output.
import { UsageError } from '../../errors.js';
import { judgmentRows, runRows, toCsv, toJsonl } from '../../report/export-rows.js';
import { openResults } from '../../report/open-results.js';
import { experimentStats } from '../../stats/experiment-stats.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

/** Parsed options (commander: `export <dir> [--format csv|jsonl] [--judgments] [--output <file>]`). */
export interface ExportOptions {
  dir?: string;
  format?: string;
  judgments?: boolean;
  output?: string;
}

function exportRows(opts: ExportOptions): number {
  const format = (opts.format ?? 'csv').toLowerCase();
  if (format !== 'csv' && format !== 'jsonl')
    throw new UsageError(`--format: expected csv or jsonl, got '${opts.format}'`);
  if (!opts.dir) throw new UsageError('export takes an experiment directory');
  const r = openResults(opts.dir);
  try {
    const rows = opts.judgments
      ? judgmentRows(r.experimentId, r.store)
      : runRows(r.experimentId, r.store, r.expDir, experimentStats(r.store, r.expDir, r.tiers));
    const text = format === 'csv' ? toCsv(rows) : toJsonl(rows);
    if (opts.output) writeFileAtomic(opts.output, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    r.store.close();
  }
}

export function run(opts: ExportOptions): Promise<number> {
  return Promise.resolve().then(() => exportRows(opts));
}
