// report.html is drawn in a short-lived child process (render-child.ts): its chart libraries (vega,
// vega-lite) never enter the memory of the long-running experiment process. The child gets the
// statistics over IPC and sends the page back.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RenderJob } from './render-child.js';

// The child's file sits beside this module: in src/ and dist/ as a sibling, in the bundled CLI as an
// entry beside the chunk this module is in. From the sources it needs the TypeScript loader.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(
  new URL(FROM_SOURCES ? './render-child.ts' : './render-child.js', import.meta.url),
);

/** A renderer child, started before its job is known: it loads the chart libraries meanwhile. */
export interface HtmlRenderer {
  /** The page for `job` (the child then exits). */
  render(job: RenderJob): Promise<string>;
  /** End the child without a job (the reports failed before the page). */
  cancel(): void;
}

/** Start the child now; its chart libraries load while the caller computes the statistics. */
export function startHtmlRenderer(): HtmlRenderer {
  const child = fork(CHILD, [], {
    execArgv: FROM_SOURCES ? ['--import', 'tsx'] : [],
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
