// Connections to the queue's Redis: the check before anything starts (one PING, a clear QueueError
// when Redis is down, refuses the password or speaks no TLS), and the long-lived client Scylla uses
// for its own small keys (the queue registry and the control word) beside BullMQ's.
import { Redis } from 'ioredis';
import { QueueError } from '../errors.js';
import type { QueueAddress } from './queue-url.js';

/** BullMQ's key prefix, and Scylla's for its own keys. */
export const PREFIX = 'scylla';

/** The set of queue names that coordinators currently drive (workers serve every one). */
export const REGISTRY_KEY = `${PREFIX}:queues`;

/** The coordinator's control word for the workers of one queue (see ControlSchema). */
export const controlKey = (queue: string) => `${PREFIX}:${queue}:control`;

/** Connect and PING once, failing fast: the error says what is wrong and how to fix it. */
export async function checkQueue(addr: QueueAddress, timeoutMs = 5000): Promise<void> {
  const client = new Redis({
    ...addr.redis,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: unknown = null;
  client.on('error', (e) => (lastError = e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueError(describe(lastError ?? e, addr.shown), { cause: e });
  } finally {
    client.disconnect();
  }
}

function describe(e: unknown, shown: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password|AUTH failed/i.test(msg))
    return `the queue at ${shown} refused the credentials (${firstLine(msg)}): check the user and password in --queue`;
  if (/ECONNREFUSED/.test(msg))
    return `cannot reach the queue at ${shown} (connection refused): start redis-server there (Debian package redis-server) or fix --queue`;
  if (/ENOTFOUND|EAI_AGAIN/.test(msg)) return `cannot reach the queue at ${shown}: unknown host`;
  if (/timed? ?out|ETIMEDOUT/i.test(msg)) return `cannot reach the queue at ${shown}: no answer (timed out)`;
  return `cannot use the queue at ${shown}: ${firstLine(msg)}`;
}

const firstLine = (s: string) => s.split('\n')[0].slice(0, 300);

/** A long-lived client for Scylla's own keys (waits out a Redis restart like BullMQ's clients). */
export function openClient(addr: QueueAddress): Redis {
  const client = new Redis(addr.redis);
  // Errors surface on the commands that fail; the client reconnects by itself.
  client.on('error', () => undefined);
  return client;
}
