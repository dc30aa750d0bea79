// The viewer's defences: artefact paths stay inside the experiment (encoded `..`, encoded `/`,
// symlinks, a copied login), nothing but GET/HEAD, security headers on every response, loopback
// Host names only on a loopback bind, and a token for any other bind.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { tokenFor } from '../../src/view/options.js';
import { startViewServer, type ViewServer } from '../../src/view/server.js';
import { tmpDir } from '../helpers/tmp.js';
import { buildViewExperiment } from './synthetic-view.js';

const EXP = '2026-01-02T03-04-05-alpha';
let results: string;
let server: ViewServer;

function raw(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // `path` is sent exactly as written: no client-side normalisation of `..` or `%2e`.
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  results = tmpDir('scylla-view-sec-');
  buildViewExperiment(join(results, EXP), { tiers: { T0: { '00': 2 } } });
  const run = join(results, EXP, 'T0', '00', 'run_01');
  symlinkSync('/etc', join(run, 'etc-link'));
  mkdirSync(join(run, 'agent', 'config'), { recursive: true });
  writeFileSync(join(run, 'agent', 'config', '.credentials.json'), '{"secret":"do-not-serve"}');
  writeFileSync(join(results, 'outside.txt'), 'LEAKED-CONTENT');
  server = await startViewServer({ dir: results, port: 0 });
});
afterAll(() => server?.close());

describe('artefact paths', () => {
  it('serves a file inside the experiment', async () => {
    const r = await raw(server.port, `/raw/${EXP}/T0/00/run_01/diff.patch`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('+++ b/hello.py');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain('sandbox');
  });

  it.each([
    `/raw/${EXP}/%2e%2e/outside.txt`,
    `/raw/${EXP}/%2E%2E/%2e%2e/%2e%2e/etc/passwd`,
    `/raw/${EXP}/..%2foutside.txt`,
    `/raw/${EXP}/T0/..%2F..%2F..%2Foutside.txt`,
    `/raw/${EXP}/T0/%2e%2e%5c%2e%2e%5coutside.txt`,
    `/raw/${EXP}/../outside.txt`,
    `/raw/${EXP}/T0/00/run_01/etc-link/passwd`,
    `/raw/${EXP}/T0/00/run_01/agent/config/.credentials.json`,
    `/raw/%2e%2e/etc/passwd`,
    `/raw/..%2f..%2fetc/passwd`,
    `/api/experiments/..%2f..%2fetc/runs/T0/00/1`,
    `/api/experiments/${EXP}/runs/..%2f..%2f/00/1/diff`,
    `/api/experiments/${EXP}/runs/T0/%2e%2e/1/diff`,
  ])('refuses %s', async (path) => {
    const r = await raw(server.port, path);
    expect([403, 404]).toContain(r.status);
    expect(r.body).not.toContain('root:');
    expect(r.body).not.toContain('LEAKED-CONTENT');
    expect(r.body).not.toContain('do-not-serve');
  });
});

describe('every response', () => {
  it('carries the security headers (strict CSP, no sniffing, no framing)', async () => {
    for (const path of ['/', `/e/${EXP}`, '/api/experiments', '/nope', '/assets/app.css']) {
      const r = await raw(server.port, path);
      expect(r.headers['content-security-policy'], path).toMatch(
        /default-src 'self'; script-src 'self'; style-src 'self'/,
      );
      expect(r.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
      expect(r.headers['x-frame-options'], path).toBe('DENY');
    }
  });

  it('changes nothing: only GET and HEAD are answered', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await raw(server.port, '/api/experiments', { method });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    expect((await raw(server.port, '/api/experiments', { method: 'HEAD' })).status).toBe(200);
  });

  it('answers a loopback bind only for loopback host names (no DNS rebinding)', async () => {
    const r = await raw(server.port, '/api/experiments', { headers: { Host: 'attacker.example:80' } });
    expect(r.status).toBe(421);
    expect(
      (await raw(server.port, '/api/experiments', { headers: { Host: `localhost:${server.port}` } })).status,
    ).toBe(200);
  });
});

describe('tokens', () => {
  it('refuses a non-loopback bind without a token, before binding anything', async () => {
    await expect(startViewServer({ dir: results, host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(startViewServer({ dir: results, host: '192.0.2.1', port: 0 })).rejects.toThrow(
      /needs a token/,
    );
  });

  it('generates a token for a non-loopback host only', () => {
    expect(tokenFor('0.0.0.0', undefined)).toMatch(/^[\w-]{20,}$/);
    expect(tokenFor('::', undefined)).toBeDefined();
    expect(tokenFor('127.0.0.1', undefined)).toBeUndefined();
    expect(tokenFor('localhost', undefined)).toBeUndefined();
    expect(tokenFor('0.0.0.0', 'mine-12345')).toBe('mine-12345');
  });

  it('with a token, refuses requests without it and accepts it as query, cookie or bearer', async () => {
    const token = 'test-token-0123456789';
    const s = await startViewServer({ dir: results, port: 0, token });
    try {
      expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=${token}`);
      expect((await raw(s.port, '/api/experiments')).status).toBe(401);
      expect((await raw(s.port, '/api/experiments?token=wrong-token-000')).status).toBe(401);
      expect((await raw(s.port, '/')).status).toBe(401);
      const first = await raw(s.port, `/e/${EXP}?token=${token}`);
      expect(first.status).toBe(303);
      expect(first.headers.location).toBe(`/e/${EXP}`);
      const cookie = String(first.headers['set-cookie']).split(';')[0];
      expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
      expect((await raw(s.port, `/e/${EXP}`, { headers: { Cookie: cookie } })).status).toBe(200);
      expect(
        (await raw(s.port, '/api/experiments', { headers: { Authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      expect((await raw(s.port, `/api/experiments?token=${token}`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
