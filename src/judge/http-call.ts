// One JSON POST of a judge transport: per-call timeout, rate limits → RateLimitError, the rest → JudgeHttpError.
import { InterruptedError, JudgeError, RateLimitError } from '../errors.js';
import { retryAfterMs } from './retry-after.js';

/** A judge call that failed for a reason other than a rate limit. Never contains the API key. */
export class JudgeHttpError extends JudgeError {
  /** HTTP status, when the server answered. */
  readonly status?: number;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** What to post. */
export interface PostJsonRequest {
  /** Transport name for messages, e.g. `anthropic`. */
  label: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Removed from every error message (servers sometimes echo it). */
  secret?: string;
}

const EXCERPT_CHARS = 300;

/** Join a base URL and a path under `/v1`, whether or not the base already ends with `/v1`. */
export function apiUrl(baseUrl: string, pathUnderV1: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base.endsWith('/v1') ? base : `${base}/v1`}/${pathUnderV1.replace(/^\/+/, '')}`;
}

/** POST JSON, return the parsed JSON body of a 2xx answer. */
export async function postJson(req: PostJsonRequest): Promise<unknown> {
  const redact = (s: string) => (req.secret ? s.split(req.secret).join('[redacted]') : s);
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let status: number | undefined;
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...req.headers },
      body: JSON.stringify(req.body),
      signal,
    });
    status = res.status;
    const text = await res.text();
    if (res.status === 429 || res.status === 503 || res.status === 529) {
      const wait = retryAfterMs(res.headers);
      throw new RateLimitError(
        `${req.label} judge API answered HTTP ${res.status}${wait === null ? '' : `; retry in ${Math.ceil(wait / 1000)} s`}: ${redact(excerpt(text))}`,
        {
          retryAfterMs: wait ?? 0,
          estimated: wait === null,
          source: 'judge',
          kind: res.status === 429 ? 'rate_limit' : 'overloaded',
        },
      );
    }
    if (!res.ok) {
      throw new JudgeHttpError(
        `${req.label} judge API answered HTTP ${res.status}: ${redact(excerpt(text))}`,
        res.status,
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new JudgeHttpError(
        `${req.label} judge API sent a body that is not JSON: ${redact(excerpt(text))}`,
        status,
      );
    }
  } catch (e) {
    if (e instanceof RateLimitError || e instanceof JudgeError) throw e;
    if (req.signal?.aborted) throw new InterruptedError(`${req.label} judge call interrupted`);
    if (timeout.aborted) {
      throw new JudgeHttpError(`${req.label} judge call timed out after ${req.timeoutMs} ms`, status, {
        cause: e,
      });
    }
    const cause = e as Error & { cause?: { code?: string; message?: string } };
    const detail = cause.cause?.code ?? cause.cause?.message ?? cause.message;
    throw new JudgeHttpError(
      `${req.label} judge call to ${hostOf(req.url)} failed: ${redact(String(detail))}`,
      status,
      {
        cause: e,
      },
    );
  }
}

function excerpt(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > EXCERPT_CHARS ? `${t.slice(0, EXCERPT_CHARS)}…` : t || '(empty body)';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
