// The one HTTP client: a JSON POST with a deadline, its outcome as data (like runProcess). Callers map
// the reply to their own failure style (judge errors, model-probe outcomes).

/** What to post. */
export interface SendJsonRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  /** Aborting ends the call at once (`noAnswer.reason` = `aborted`). */
  signal?: AbortSignal;
}

/** How a POST went. A status and `noAnswer` can both be set: the body was cut off after the status. */
export interface SendJsonReply {
  /** HTTP status; undefined when no answer came. */
  status?: number;
  headers?: Headers;
  /** The answer's body ('' when none came). */
  text: string;
  /** Why no (complete) answer came; `detail` is the network error's code or message (e.g. ECONNREFUSED). */
  noAnswer?: { reason: 'timeout' | 'aborted' | 'network'; detail: string };
}

/** POST `body` as JSON. Never throws: a refused connection, a timeout or an abort is in the reply. */
export async function sendJson(req: SendJsonRequest): Promise<SendJsonReply> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response | undefined;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...req.headers },
      body: JSON.stringify(req.body),
      signal,
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const reason = req.signal?.aborted ? 'aborted' : timeout.aborted ? 'timeout' : 'network';
    const detail = String(err.cause?.code ?? err.cause?.message ?? err.message);
    return { status: res?.status, headers: res?.headers, text: '', noAnswer: { reason, detail } };
  }
}

/** Join a base URL and a path under `/v1`, whether or not the base already ends with `/v1`. */
export function apiUrl(baseUrl: string, pathUnderV1: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base.endsWith('/v1') ? base : `${base}/v1`}/${pathUnderV1.replace(/^\/+/, '')}`;
}

/** The body folded to one line and cut to `max` characters, for error messages. */
export function excerpt(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t || '(empty body)';
}

/** The host:port of a URL (the URL itself when it cannot be parsed). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
