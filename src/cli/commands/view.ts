// `scylla view [DIR]`: serve a results directory (or one experiment) as a live, read-only web UI
// until Ctrl-C. Parses, starts the server of src/view, prints its URL.
import { DEFAULT_PORT, tokenFor } from '../../view/options.js';
import { startViewServer } from '../../view/server.js';

export interface ViewCliOptions {
  port?: number;
  host?: string;
  token?: string;
}

export async function run(dir: string | undefined, opts: ViewCliOptions): Promise<number> {
  const host = opts.host ?? '127.0.0.1';
  const server = await startViewServer(
    { dir: dir ?? 'results', host, port: opts.port ?? DEFAULT_PORT, token: tokenFor(host, opts.token) },
    {
      onError: (e) =>
        console.error(
          `view: internal error (this is a bug, please report it): ${(e as Error)?.stack ?? String(e)}`,
        ),
    },
  );
  console.log(`Scylla view of ${server.root} (read-only): ${server.url}`);
  if (server.token && !opts.token)
    console.log(
      'A token was generated for this non-loopback address: share the URL only with people who may read these results.',
    );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
