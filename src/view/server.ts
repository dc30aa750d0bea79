// `scylla view`'s server: Node's http, GET and HEAD only, every response with the security headers,
// every request through the access check, errors as JSON (API) or a short page. Binds the asked
// port or, when it is taken, the next free one.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ScyllaError } from '../errors.js';
import { checkAccess, securityHeaders } from './access.js';
import { Catalog } from './catalog.js';
import { LiveHub } from './live.js';
import { esc } from './pages.js';
import { PORT_TRIES, resolveViewOptions, type ViewOptions } from './options.js';
import { HttpError, type Reply, type Router } from './router.js';
import { buildRoutes } from './routes.js';

/** A running viewer. */
export interface ViewServer {
  /** The URL to open (with `?token=` when a token is needed). */
  url: string;
  host: string;
  port: number;
  token: string | undefined;
  /** The results directory or experiment served. */
  root: string;
  close(): Promise<void>;
}

/** Hooks for the caller (the CLI prints; tests may collect). */
export interface ViewHooks {
  /** A request failed with an unexpected error (a bug): its stack. */
  onError?: (e: unknown) => void;
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  const head = req.method === 'HEAD';
  if (reply.kind === 'stream') return reply.start(req, res);
  if (reply.kind === 'file') {
    const st = statSync(reply.path);
    const etag = `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`;
    if (reply.csp) securityHeaders(res, reply.csp);
    res.setHeader('Cache-Control', reply.cache ?? 'no-cache');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(200, { 'Content-Type': reply.type, 'Content-Length': st.size });
    if (head) return void res.end();
    createReadStream(reply.path)
      .on('error', () => res.destroy())
      .pipe(res);
    return;
  }
  const [type, body] =
    reply.kind === 'json'
      ? ['application/json; charset=utf-8', JSON.stringify(reply.body)]
      : reply.kind === 'html'
        ? ['text/html; charset=utf-8', reply.body]
        : [reply.type, reply.body];
  if (reply.kind === 'text' && reply.csp) securityHeaders(res, reply.csp);
  res.setHeader('Cache-Control', reply.kind === 'text' ? (reply.cache ?? 'no-store') : 'no-store');
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  res.writeHead(reply.status ?? 200, { 'Content-Type': type, 'Content-Length': buf.length });
  res.end(head ? undefined : buf);
}

function fail(req: IncomingMessage, res: ServerResponse, url: URL, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  const api = url.pathname.startsWith('/api');
  send(
    req,
    res,
    api || url.pathname.startsWith('/raw')
      ? { kind: 'json', status, body: { error: message, status } }
      : {
          kind: 'html',
          status,
          body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status}</title><link rel="stylesheet" href="/assets/app.css"></head><body><main><h1>${status}</h1><p>${esc(message)}</p><p><a href="/">experiments</a></p></main></body></html>`,
        },
  );
}

async function handle(
  router: Router,
  host: string,
  token: string | undefined,
  hooks: ViewHooks,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://viewer.invalid');
  securityHeaders(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return fail(req, res, url, 405, 'this viewer is read-only: GET and HEAD only');
  }
  const access = checkAccess(req, url, host, token);
  if (!access.ok) return fail(req, res, url, access.status, access.message);
  if (access.setCookie) res.setHeader('Set-Cookie', access.setCookie);
  if (access.redirect) return void res.writeHead(303, { Location: access.redirect }).end();
  try {
    const m = router.match(url.pathname);
    if (!m) throw new HttpError(404, `no such page: ${url.pathname}`);
    send(req, res, await m.handler({ url, params: m.params, rest: m.rest }));
  } catch (e) {
    if (e instanceof HttpError) return fail(req, res, url, e.status, e.message);
    if (e instanceof ScyllaError)
      return fail(req, res, url, e.code === 'NOT_AN_EXPERIMENT' ? 404 : 500, e.message);
    hooks.onError?.(e);
    fail(
      req,
      res,
      url,
      500,
      `internal error (this is a bug, please report it): ${(e as Error)?.message ?? String(e)}`,
    );
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Start serving `opts.dir`. A non-loopback host needs a token (UsageError otherwise). */
export async function startViewServer(opts: ViewOptions, hooks: ViewHooks = {}): Promise<ViewServer> {
  const o = resolveViewOptions(opts);
  const catalog = new Catalog(o.dir);
  const hub = new LiveHub(catalog, o.pollMs);
  const router = buildRoutes(catalog, hub);
  const server = createServer((req, res) => void handle(router, o.host, o.token, hooks, req, res));
  server.keepAliveTimeout = 5000;
  let port = o.port;
  for (let i = 0; ; i++) {
    try {
      port = await listen(server, o.host, o.port === 0 ? 0 : o.port + i);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || o.port === 0 || i + 1 >= PORT_TRIES) {
        catalog.close();
        throw new ScyllaError(
          'VIEW_LISTEN',
          `cannot listen on ${o.host}:${o.port + i}: ${(e as Error).message}`,
        );
      }
    }
  }
  const urlHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${urlHost}:${port}/${o.token ? `?token=${encodeURIComponent(o.token)}` : ''}`,
    host: o.host,
    port,
    token: o.token,
    root: catalog.root,
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.close(() => {
          catalog.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
