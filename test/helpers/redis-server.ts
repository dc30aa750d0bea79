// A real redis-server for the distributed tests, on 127.0.0.1 and a free port, with a password;
// restartable (with or without its data) and dumpable (every key and value, to look for secrets).
// Debian's `redis-server` must be installed: a missing one fails the tests loudly, never skips them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { tmpDir } from './tmp.js';

export interface RedisServer {
  port: number;
  password: string;
  /** `redis://:<password>@127.0.0.1:<port>` (`rediss://` with `tls`) */
  url: string;
  /** With `tls`: the self-signed certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string | null;
  /** A client for the test's own looks (closed with the server). */
  client: Redis;
  /** Stop and start again on the same port; `keepData: false` starts empty (no persistence). */
  restart(opts?: { keepData?: boolean; downMs?: number }): Promise<void>;
  /** Every key with its value (hashes, lists, streams, sets, strings), as one text. */
  dump(): Promise<string>;
  stop(): Promise<void>;
}

const BIN = '/usr/bin/redis-server';

function assertInstalled(): void {
  const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(
      `redis-server is not installed (${BIN}): the distributed tests need a real Redis. ` +
        'Install the Debian package redis-server (apt-get install -y redis-server); .ci/run does.',
    );
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A self-signed certificate for 127.0.0.1 (openssl), for a TLS-only Redis. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  if (r.error || r.status !== 0) throw new Error('openssl is needed to make a certificate for the TLS test');
  return { cert, key };
}

export async function startRedis(opts: { password?: string; tls?: boolean } = {}): Promise<RedisServer> {
  assertInstalled();
  const password = opts.password ?? `redis-pw-${Math.random().toString(36).slice(2, 10)}`;
  const port = await freePort();
  const dir = tmpDir('scylla-redis-');
  const tls = opts.tls ? selfSigned(dir) : null;
  const tlsArgs = tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        tls.cert,
        '--tls-key-file',
        tls.key,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const tlsClient = tls ? { tls: { ca: readFileSync(tls.cert) } } : {};
  let child: ChildProcess | null = null;
  const launch = async (keepData: boolean) => {
    // With keepData the dataset is saved on shutdown and loaded at start (RDB in `dir`).
    const args = [...tlsArgs, '--bind', '127.0.0.1', '--dir', dir];
    args.push('--requirepass', password);
    args.push('--appendonly', 'no', '--save', keepData ? '3600 1' : '');
    child = spawn(BIN, args, { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const probe = new Redis({
        port,
        host: '127.0.0.1',
        password,
        lazyConnect: true,
        retryStrategy: () => null,
        ...tlsClient,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        await sleep(50);
      }
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const halt = async (save: boolean) => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    if (save) await client.call('SHUTDOWN', 'SAVE').catch(() => undefined);
    else c.kill('SIGKILL');
    await gone;
  };
  await launch(false);
  const client = new Redis({ port, host: '127.0.0.1', password, ...tlsClient });
  client.on('error', () => undefined);
  return {
    port,
    password,
    url: `${tls ? 'rediss' : 'redis'}://:${password}@127.0.0.1:${port}`,
    caFile: tls?.cert ?? null,
    client,
    restart: async ({ keepData = true, downMs = 500 } = {}) => {
      await halt(keepData);
      if (!keepData) rmSync(join(dir, 'dump.rdb'), { force: true });
      await sleep(downMs);
      await launch(keepData);
    },
    dump: async () => {
      const out: string[] = [];
      for (const key of await client.keys('*')) {
        const type = await client.type(key);
        const value =
          type === 'hash'
            ? await client.hgetall(key)
            : type === 'list'
              ? await client.lrange(key, 0, -1)
              : type === 'set'
                ? await client.smembers(key)
                : type === 'zset'
                  ? await client.zrange(key, 0, -1)
                  : type === 'stream'
                    ? await client.xrange(key, '-', '+')
                    : await client.get(key);
        out.push(`${key} ${JSON.stringify(value)}`);
      }
      return out.join('\n');
    },
    stop: async () => {
      client.disconnect();
      await halt(false);
    },
  };
}
