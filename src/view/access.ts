// Who may read and how pages may behave: the token check (query, cookie or bearer header), the Host
// check that stops DNS rebinding on loopback binds, and the security headers of every response.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback } from './options.js';

/** The page policy: only this server's own scripts, styles and images; no framing, no plugins. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** For raw artefacts and chart images: nothing in them may run or load anything. */
export const SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const COOKIE = 'scylla_view_token';

/** Headers every response carries. */
export function securityHeaders(res: ServerResponse, csp = CSP): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** What the access check decided. */
export type AccessDecision =
  { ok: true; setCookie?: string; redirect?: string } | { ok: false; status: 401 | 421; message: string };

/**
 * Check one request. With a token, it must come as `?token=`, the cookie set after that, or
 * `Authorization: Bearer`; a page opened with `?token=` is redirected to its URL without it. On a
 * loopback bind the Host header must name a loopback host (a rebound DNS name gets 421).
 */
export function checkAccess(
  req: IncomingMessage,
  url: URL,
  bindHost: string,
  token?: string,
): AccessDecision {
  const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (isLoopback(bindHost) && !isLoopback(hostHeader))
    return {
      ok: false,
      status: 421,
      message: `this viewer answers for loopback hosts only, not ${hostHeader}`,
    };
  if (!token) return { ok: true };
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && same(fromQuery, token)) {
    const clean = new URL(url);
    clean.searchParams.delete('token');
    const setCookie = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    const isPage = !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/assets/');
    return { ok: true, setCookie, redirect: isPage ? clean.pathname + clean.search : undefined };
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const cookie = cookieToken(req);
  if ((bearer && same(bearer, token)) || (cookie && same(cookie, token))) return { ok: true };
  return { ok: false, status: 401, message: 'a token is required: open the URL that `scylla view` printed' };
}
