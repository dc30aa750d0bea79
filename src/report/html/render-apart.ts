// report.html is drawn in a short-lived child process: its chart libraries (vega, vega-lite) never
// enter the memory of the long-running experiment process. The child gets the statistics over IPC
// and sends the page back; run directly (`node render-apart.js`) it is that child.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../../config/experiment-config.js';
import type { ExperimentStats } from '../../stats/experiment-stats.js';
import { loadChartLibraries } from './charts.js';
import { renderHtmlReport } from './html-report.js';

interface Job {
  expDir: string;
  experimentId: string;
  config: ExperimentConfig | null;
  stats: ExperimentStats;
  withMarkdown: boolean;
}

const SELF = fileURLToPath(import.meta.url);

/** A renderer child, started before its job is known: it loads the chart libraries meanwhile. */
export interface HtmlRenderer {
  /** The page for `job` (the child then exits). */
  render(job: Job): Promise<string>;
  /** End the child without a job (the reports failed before the page). */
  cancel(): void;
}

/** Start the child now; its chart libraries load while the caller computes the statistics. */
export function startHtmlRenderer(): HtmlRenderer {
  // From the sources (development, tests) the child needs the TypeScript loader; from the build, nothing.
  const child = fork(SELF, [], {
    execArgv: SELF.endsWith('.ts') ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const page = new Promise<string>((resolve, reject) => {
    let html: string | null = null;
    child.on('message', (m: { html?: string; error?: string }) => {
      if (m.error !== undefined) reject(new Error(`report.html: ${m.error}`));
      else html = m.html ?? null;
    });
    child.on('error', reject);
    // 'close', not 'exit': the child may be gone before its last message is read from the channel;
    // 'close' waits for the channel too.
    child.on('close', (code) =>
      html !== null ? resolve(html) : reject(new Error(`report.html renderer exited with code ${code}`)),
    );
  });
  page.catch(() => undefined); // a cancelled renderer's end is nobody's error
  return {
    render: (job) => {
      child.send(job);
      return page;
    },
    cancel: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

if (process.argv[1] === SELF && process.send) {
  // The libraries load before the job arrives: the parent is computing its statistics meanwhile.
  void loadChartLibraries().catch(() => undefined);
  process.once('message', (job: Job) => {
    renderHtmlReport(job.expDir, job.experimentId, job.config, job.stats, job.withMarkdown).then(
      (html) => process.send!({ html }, () => process.exit(0)),
      (e: unknown) => process.send!({ error: (e as Error).message }, () => process.exit(1)),
    );
  });
}
