// The `--queue` address: redis://[user:password@]host[:port][/db] or rediss:// (TLS), as the
// connection options every client uses, and as people see it: never with its password.
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** What every connection is opened with (BullMQ's and Scylla's own): ioredis options. */
export type ConnectionSettings = {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername?: string };
  maxRetriesPerRequest: null;
};

/** A parsed queue address. */
export interface QueueAddress {
  redis: ConnectionSettings;
  /** For logs and messages: `redis://:***@host:6379/0`. */
  shown: string;
}

const DEFAULT_PORT = 6379;

/** `redis://user:secret@h/1` → `redis://user:***@h/1` (any scheme), also in text that is no valid URL. */
export function redactQueueUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^@/\s]*)@/gi, (_m, scheme: string, auth: string) => {
    const user = auth.includes(':') ? auth.slice(0, auth.indexOf(':')) : '';
    return `${scheme}${user}:***@`;
  });
}

/** Parse `--queue`; a UsageError (exit 2) names what is wrong, without the password. */
export function parseQueueUrl(url: string): QueueAddress {
  const bad = (why: string) =>
    new UsageError(
      `--queue: ${why}: '${redactQueueUrl(url)}' (expected redis://HOST:PORT[/DB] or rediss://...)`,
    );
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`unknown scheme ${u.protocol}`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('no host');
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw bad('the database must be a number');
  if (u.search || u.hash) throw bad('options after ? or # are not supported');
  const port = u.port === '' ? DEFAULT_PORT : Number(u.port);
  const username = decodeURIComponent(u.username) || undefined;
  const password = decodeURIComponent(u.password) || undefined;
  const tls = u.protocol === 'rediss:';
  const auth = username || password ? `${username ?? ''}:***@` : '';
  return {
    redis: {
      host,
      port,
      db,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      // SNI names a host, never an address (RFC 6066).
      ...(tls ? { tls: isIP(host) ? {} : { servername: host } } : {}),
      // Workers and followers block on Redis for as long as it takes (BullMQ requires it of workers);
      // a Redis restart is waited out, not turned into failed runs.
      maxRetriesPerRequest: null,
    },
    shown: `${u.protocol}//${auth}${u.host}/${db}`,
  };
}
