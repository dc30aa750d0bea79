// An HTTP API's rate-limit answer: which statuses are limits, and how long its headers ask us to wait
// (retry-after in seconds or as a date, then the providers' rate-limit reset headers).

/** The limit an HTTP status stands for: 429 a rate limit, 503 and 529 an overloaded API; else null. */
export function httpLimitKind(status: number): 'rate_limit' | 'overloaded' | null {
  if (status === 429) return 'rate_limit';
  return status === 503 || status === 529 ? 'overloaded' : null;
}

/** Minimal header access (a fetch `Headers` fits). */
export interface HeaderSource {
  get(name: string): string | null;
  forEach(cb: (value: string, key: string) => void): void;
}

/**
 * Milliseconds to wait before retrying, from `retry-after-ms`, `retry-after` (seconds or HTTP date),
 * else the latest of `anthropic-ratelimit-*-reset` (RFC 3339 instants) and `x-ratelimit-reset-*`
 * (durations like `6m0s`, `20ms` or seconds); null when the response does not say (the engine's
 * `--rate-limit-wait` then applies). The latest reset is used because we cannot tell which limit was
 * hit, and waiting for the earliest could hit the other one again at once.
 */
export function retryAfterMs(headers: HeaderSource, now = Date.now()): number | null {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const ra = headers.get('retry-after')?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  let latest: number | undefined;
  headers.forEach((value, key) => {
    const k = key.toLowerCase();
    let wait: number | undefined;
    if (k.startsWith('anthropic-ratelimit-') && k.endsWith('-reset')) {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) wait = Math.max(0, at - now);
    } else if (k.startsWith('x-ratelimit-reset')) {
      wait = parseDuration(value);
    }
    if (wait !== undefined && (latest === undefined || wait > latest)) latest = wait;
  });
  return latest ?? null;
}

/** `1h2m3.5s`, `6m0s`, `20ms`, `1.5s` or a bare number of seconds → milliseconds; undefined if unreadable. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.ceil(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  return consumed > 0 && consumed === t.length ? Math.ceil(total) : undefined;
}
