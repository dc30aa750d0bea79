// Options of `scylla view` and who may connect: loopback binds need nothing, any other bind a token
// (generated when none is given), so the viewer is never open to a network by accident.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** The documented default port; when it is taken the next free one is used. */
export const DEFAULT_PORT = 7370;
/** How many ports after the asked one are tried when it is taken. */
export const PORT_TRIES = 20;

export const ViewOptionsSchema = z.object({
  /** A results directory (experiments below it) or one experiment directory. */
  dir: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 = any free port (tests). */
  port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
  /** Required for a non-loopback host; when set, every request must carry it. */
  token: z.string().min(8).optional(),
  /** How often open experiments are polled for changes while someone watches (ms). */
  pollMs: z.number().int().positive().default(500),
});
export type ViewOptions = z.input<typeof ViewOptionsSchema>;
export type ResolvedViewOptions = z.output<typeof ViewOptionsSchema>;

/** 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** A fresh token for a non-loopback bind (printed in the URL). */
export function generateToken(): string {
  return randomBytes(18).toString('base64url');
}

/** Validate the options; a non-loopback host without a token is refused (UsageError, exit 2). */
export function resolveViewOptions(o: ViewOptions): ResolvedViewOptions {
  const parsed = ViewOptionsSchema.safeParse(o);
  if (!parsed.success) throw new UsageError(`view: ${z.prettifyError(parsed.error)}`);
  const v = parsed.data;
  if (!isLoopback(v.host) && !v.token)
    throw new UsageError(
      `view: binding ${v.host} (not loopback) needs a token: pass --token, or let \`scylla view\` generate one`,
    );
  return v;
}

/** The token to use: the given one, else a new one for a non-loopback host, else none. */
export function tokenFor(host: string, token: string | undefined): string | undefined {
  return token ?? (isLoopback(host) ? undefined : generateToken());
}
