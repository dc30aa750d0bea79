// `network: allowlist`: the host side of a sandbox without a network of its own. Sandboxed
// processes get only a loopback interface; inside, `socat` turns local ports into this gate's Unix
// sockets: one HTTP proxy (CONNECT and plain http) that lets through only allow-listed hosts, and
// one forwarder per model endpoint on 127.0.0.1 (reached at the same URL as outside).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateSockets } from './sandbox.js';

/** A running gate. */
export interface NetworkGate extends GateSockets {
  close(): Promise<void>;
}

/** Does `host:port` match an allow-list entry (`example.org`, `*.example.org`, `example.org:443`)? */
export function isAllowed(host: string, port: number, allow: readonly string[]): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return allow.some((entry) => {
    const e = entry.toLowerCase();
    const m = /^(.*?)(?::(\d+))?$/.exec(e.startsWith('[') ? e.replace(/^\[(.*)\]/, '$1') : e);
    const [name, p] = [m?.[1] ?? e, m?.[2]];
    if (p !== undefined && Number(p) !== port) return false;
    return name.startsWith('*.') ? h.endsWith(name.slice(1)) : h === name;
  });
}

const listen = (server: Server, path: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });

function deny(socket: Socket, host: string): void {
  const body = `blocked by Scylla's network allowlist: ${host}\n`;
  socket.end(
    `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
}

/** The filtering proxy: CONNECT tunnels and absolute-URI http requests to allowed hosts only. */
function proxyServer(allow: readonly string[]): Server {
  const server = createHttpServer((req: IncomingMessage, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected (this is a proxy)\n');
      return;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (url.protocol !== 'http:' || !isAllowed(url.hostname, port, allow)) {
      res
        .writeHead(403, { 'content-type': 'text/plain' })
        .end(`blocked by Scylla's network allowlist: ${url.host}\n`);
      return;
    }
    const upstream = httpRequest(
      {
        host: url.hostname,
        port,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => res.writeHead(502).end(`upstream error: ${e.message}\n`));
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const [host, p] = (req.url ?? '').split(/:(?=\d+$)/);
    const port = Number(p ?? 443);
    if (!host || !isAllowed(host, port, allow)) return deny(client, req.url ?? '');
    const upstream = connect(port, host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return server;
}

/** A Unix socket that is the loopback port `port` of this machine. */
function forwarder(port: number): Server {
  return createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
}

/** Start the gate: one proxy for `allow`, one forwarder per loopback port in `forwardPorts`. */
export async function startNetworkGate(opts: {
  allow: readonly string[];
  forwardPorts: readonly number[];
}): Promise<NetworkGate> {
  // Short: a Unix socket path has at most 107 bytes, experiment directories can be deep.
  const dir = mkdtempSync(join(tmpdir(), 'scylla-net-'));
  const servers: Server[] = [];
  // Open connections (keep-alive, tunnels) are cut at close, or closing would wait for them.
  const open = new Set<Socket>();
  const track = (s: Server) => {
    s.on('connection', (c: Socket) => {
      open.add(c);
      c.on('close', () => open.delete(c));
    });
    servers.push(s);
  };
  const proxy = proxyServer(opts.allow);
  track(proxy);
  await listen(proxy, join(dir, 'proxy.sock'));
  const forwards: NetworkGate['forwards'] = [];
  for (const port of [...new Set(opts.forwardPorts)]) {
    const s = forwarder(port);
    track(s);
    const socket = join(dir, `port-${port}.sock`);
    await listen(s, socket);
    forwards.push({ port, socket });
  }
  let proxyPort = 3128;
  while (forwards.some((f) => f.port === proxyPort)) proxyPort++;
  return {
    dir,
    proxy: { socket: join(dir, 'proxy.sock'), port: proxyPort },
    forwards,
    allow: opts.allow,
    async close() {
      for (const c of open) c.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
