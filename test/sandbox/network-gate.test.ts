// The host side of `network: allowlist`: allow-list matching, and the proxy and forwarder sockets.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { netPrelude, proxyEnv } from '../../src/sandbox/bwrap-args.js';
import { isAllowed, startNetworkGate } from '../../src/sandbox/network-gate.js';

describe('isAllowed', () => {
  const allow = ['pkgs.example', '*.files.example', '127.0.0.1:8080', '[::1]:9'];
  it.each([
    ['pkgs.example', 443, true],
    ['PKGS.Example', 80, true],
    ['x.pkgs.example', 443, false],
    ['a.files.example', 443, true],
    ['files.example', 443, false],
    ['127.0.0.1', 8080, true],
    ['127.0.0.1', 8081, false],
    ['[::1]', 9, true],
    ['evil.example', 443, false],
  ])('%s:%i → %s', (host, port, ok) => expect(isAllowed(host, port, allow)).toBe(ok));
});

/** GET through a proxy listening on a Unix socket. */
function viaProxy(socketPath: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const q = request(
      {
        socketPath,
        path: url,
        method: 'GET',
        headers: { host: url.startsWith('http') ? new URL(url).host : 'localhost' },
      },
      (r) => {
        let body = '';
        r.on('data', (d: Buffer) => (body += d.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      },
    );
    q.on('error', reject);
    q.end();
  });
}

describe('startNetworkGate', () => {
  it('proxies allowed hosts, answers 403 for the rest, forwards loopback ports as they are', async () => {
    const target = createServer((_q, r) => r.end('hello\n'));
    await new Promise<void>((ok) => target.listen(0, '127.0.0.1', () => ok()));
    const port = (target.address() as AddressInfo).port;
    const gate = await startNetworkGate({ allow: [`127.0.0.1:${port}`], forwardPorts: [port] });
    try {
      expect(await viaProxy(gate.proxy.socket, `http://127.0.0.1:${port}/x`)).toEqual({
        status: 200,
        body: 'hello\n',
      });
      const no = await viaProxy(gate.proxy.socket, 'http://127.0.0.1:1/');
      expect(no.status).toBe(403);
      expect(no.body).toContain('allowlist');
      // The forwarder is the port itself: a plain request on its socket reaches the server.
      expect(await viaProxy(gate.forwards[0].socket, '/')).toEqual({ status: 200, body: 'hello\n' });
      expect(gate.proxy.port).not.toBe(port);
    } finally {
      await gate.close();
      target.close();
    }
  });

  it('the sandbox side: socat listeners, a wait until they listen, then the command; proxy variables', () => {
    const gate = {
      dir: '/g',
      proxy: { socket: '/g/proxy.sock', port: 3128 },
      forwards: [{ port: 8080, socket: '/g/p.sock' }],
      allow: [],
    };
    const [sh, c, script, name] = netPrelude(gate, '/usr/bin/socat');
    expect([sh, c, name]).toEqual(['/bin/sh', '-c', 'scylla-net']);
    expect(script).toContain(
      "'/usr/bin/socat' TCP-LISTEN:3128,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:'/g/proxy.sock'",
    );
    expect(script).toContain('TCP-LISTEN:8080');
    expect(script).toContain('for p in 0C38 1F90;');
    expect(script.trimEnd().endsWith('exec "$@"')).toBe(true);
    expect(proxyEnv(gate)).toMatchObject({
      HTTPS_PROXY: 'http://127.0.0.1:3128',
      http_proxy: 'http://127.0.0.1:3128',
      NO_PROXY: '',
    });
  });
});
