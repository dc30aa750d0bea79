// `scylla view` as users start it (bin/scylla.js, as on a fresh clone: no build step, the browser
// files and diff2html served from the checkout and node_modules): prints its URL, takes the next
// port when the asked one is busy, stops on SIGTERM; a directory that is not an experiment is exit 2.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.js';
import { buildViewExperiment } from './synthetic-view.js';

const BIN = fileURLToPath(new URL('../../bin/scylla.js', import.meta.url));
const EXP = '2026-01-02T03-04-05-alpha';

function startView(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'view', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /http:\/\/\S+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.on('close', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  url.catch(() => undefined); // awaited only by the tests that expect a server
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, url, exit, output: () => out + err };
}

let results: string;
let busy: ReturnType<typeof createServer>;
let busyPort: number;
beforeAll(async () => {
  results = tmpDir('scylla-view-cli-');
  buildViewExperiment(join(results, EXP), { tiers: { T0: { '00': 2 } } });
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => busy?.close());

describe('scylla view', () => {
  it('serves from the checkout on the next free port, with its assets and diff2html, until SIGTERM', async () => {
    const v = startView([results, '--port', String(busyPort)]);
    const url = await v.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(busyPort);
    expect(v.output()).toContain('(read-only)');
    for (const path of [
      '',
      `e/${EXP}`,
      'assets/page-run.js',
      'assets/app.css',
      'assets/vendor/diff2html-ui.js',
      'assets/vendor/diff2html.css',
    ]) {
      const r = await fetch(url + path);
      expect(r.status, path).toBe(200);
    }
    const list = (await (await fetch(`${url}api/experiments`)).json()) as { experiments: { name: string }[] };
    expect(list.experiments.map((e) => e.name)).toEqual([EXP]);
    v.child.kill('SIGTERM');
    expect(await v.exit).toBe(0);
  });

  it('serves one experiment directory too', async () => {
    const v = startView([join(results, EXP), '--port', '0']);
    const url = await v.url;
    const list = (await (await fetch(`${url}api/experiments`)).json()) as { single: boolean };
    expect(list.single).toBe(true);
    v.child.kill('SIGTERM');
    expect(await v.exit).toBe(0);
  });

  it('prints the URL with the token every request needs', async () => {
    const v = startView([results, '--port', '0', '--host', '127.0.0.1', '--token', 'given-token-123']);
    expect(await v.url).toMatch(/\?token=given-token-123$/);
    v.child.kill('SIGTERM');
    await v.exit;
  });

  it('ships what it serves: the browser files in the package, diff2html as a runtime dependency', () => {
    const pkg = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
    );
    expect(pkg.files).toContain('src/view/assets');
    expect(pkg.dependencies).toHaveProperty('diff2html');
    expect(pkg.devDependencies ?? {}).not.toHaveProperty('diff2html');
  });

  it('exits 2 for a directory that is not an experiment', async () => {
    const dir = tmpDir('scylla-not-exp-');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const v = startView([dir, '--port', '0']);
    expect(await v.exit).toBe(2);
    expect(v.output()).toMatch(/is not an experiment directory/);
    const missing = startView([join(dir, 'nope'), '--port', '0']);
    expect(await missing.exit).toBe(2);
  });
});
