// report.html is drawn in a short-lived child process: its chart libraries (vega, vega-lite) never
// enter the memory of the long-running experiment process. The child gets the statistics over IPC
// and sends the page back; run directly (`node render-apart.js`) it is that child.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../../config/experiment-config.js';
import type { ExperimentStats } from '../../stats/experiment-stats.js';
import { renderHtmlReport } from './html-report.js';

interface Job {
  expDir: string;
  experimentId: string;
  config: ExperimentConfig | null;
  stats: ExperimentStats;
  withMarkdown: boolean;
}

const SELF = fileURLToPath(import.meta.url);

/** renderHtmlReport, in a child process (the same code; the same page). */
export function renderHtmlReportApart(job: Job): Promise<string> {
  // From the sources (development, tests) the child needs the TypeScript loader; from the build, nothing.
  const child = fork(SELF, [], {
    execArgv: SELF.endsWith('.ts') ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let page: string | null = null;
    child.on('message', (m: { html?: string; error?: string }) => {
      if (m.error !== undefined) reject(new Error(`report.html: ${m.error}`));
      else page = m.html ?? null;
    });
    child.on('error', reject);
    // 'close', not 'exit': the child may be gone before its last message is read from the channel;
    // 'close' waits for the channel too.
    child.on('close', (code) =>
      page !== null ? resolve(page) : reject(new Error(`report.html renderer exited with code ${code}`)),
    );
    child.send(job);
  });
}

if (process.argv[1] === SELF && process.send) {
  process.once('message', (job: Job) => {
    renderHtmlReport(job.expDir, job.experimentId, job.config, job.stats, job.withMarkdown).then(
      (html) => process.send!({ html }, () => process.exit(0)),
      (e: unknown) => process.send!({ error: (e as Error).message }, () => process.exit(1)),
    );
  });
}
