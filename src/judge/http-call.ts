// One JSON POST of a judge transport (through util/http): rate limits → RateLimitError, an abort →
// InterruptedError, every other failure → JudgeHttpError.
import { InterruptedError, JudgeError, RateLimitError } from '../errors.js';
import { httpLimitKind, retryAfterMs } from '../ratelimit/http-limit.js';
import { excerpt, hostOf, sendJson } from '../util/http.js';

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

/** POST JSON, return the parsed JSON body of a 2xx answer. */
export async function postJson(req: PostJsonRequest): Promise<unknown> {
  const redact = (s: string) => (req.secret ? s.split(req.secret).join('[redacted]') : s);
  const reply = await sendJson(req);
  const { status, noAnswer } = reply;
  if (noAnswer?.reason === 'aborted') throw new InterruptedError(`${req.label} judge call interrupted`);
  if (noAnswer?.reason === 'timeout')
    throw new JudgeHttpError(`${req.label} judge call timed out after ${req.timeoutMs} ms`, status);
  if (noAnswer || status === undefined) {
    const detail = redact(noAnswer?.detail ?? 'no answer');
    throw new JudgeHttpError(`${req.label} judge call to ${hostOf(req.url)} failed: ${detail}`, status);
  }
  const kind = httpLimitKind(status);
  if (kind) {
    // No stated wait: the engine's --rate-limit-wait applies.
    const wait = retryAfterMs(reply.headers ?? new Headers());
    const retry = wait === null ? '' : `; retry in ${Math.ceil(wait / 1000)} s`;
    throw new RateLimitError(
      `${req.label} judge API answered HTTP ${status}${retry}: ${redact(excerpt(reply.text))}`,
      { retryAfterMs: wait ?? 0, estimated: wait === null, source: 'judge', kind },
    );
  }
  if (status < 200 || status >= 300)
    throw new JudgeHttpError(
      `${req.label} judge API answered HTTP ${status}: ${redact(excerpt(reply.text))}`,
      status,
    );
  try {
    return JSON.parse(reply.text) as unknown;
  } catch {
    throw new JudgeHttpError(
      `${req.label} judge API sent a body that is not JSON: ${redact(excerpt(reply.text))}`,
      status,
    );
  }
}
