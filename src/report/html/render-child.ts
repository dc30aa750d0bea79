// The report.html renderer child (started by render-apart.ts): it loads the chart libraries at once,
// while the parent computes the statistics, then draws the page for the one job it is sent and exits.
import type { ExperimentConfig } from '../../config/experiment-config.js';
import type { ExperimentStats } from '../../stats/experiment-stats.js';
import { loadChartLibraries } from './charts.js';
import { renderHtmlReport } from './html-report.js';

/** What the parent sends. */
export interface RenderJob {
  expDir: string;
  experimentId: string;
  config: ExperimentConfig | null;
  stats: ExperimentStats;
  withMarkdown: boolean;
}

if (process.send) {
  void loadChartLibraries().catch(() => undefined);
  process.once('message', (job: RenderJob) => {
    renderHtmlReport(job.expDir, job.experimentId, job.config, job.stats, job.withMarkdown).then(
      (html) => process.send!({ html }, () => process.exit(0)),
      (e: unknown) => process.send!({ error: (e as Error).message }, () => process.exit(1)),
    );
  });
}
