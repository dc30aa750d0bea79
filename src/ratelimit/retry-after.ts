// How long to wait after a rate limit: `Retry-After`, `retry_delay_ms`, and "resets 3pm (tz)" texts.

/** What kind of limit a wait belongs to. */
export type RateLimitKind = 'rate_limit' | 'overloaded' | 'usage_cap';

/** A parsed wait: milliseconds from `now` (safety margin included) and the kind of limit. */
export interface RetryAfter {
  ms: number;
  kind: RateLimitKind;
}

/** Waits are stretched by this factor so we do not come back a moment too early. */
export const RETRY_MARGIN = 1.1;
/** What callers wait when nothing in the text says how long. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;
/** Zone assumed for a reset time given without one (the CLI reports Anthropic's usage windows so). */
export const DEFAULT_RESET_ZONE = 'America/Los_Angeles';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// "resets 3pm", "resets at 3:30am (Europe/Berlin)", "resets Oct 9, 10am (America/Los_Angeles)".
const RESETS =
  /\bresets?\s+(?:at\s+|on\s+)?(?:([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?(?:\s*\(([^)\s]+)\))?/i;
const RETRY_AFTER_HEADER = /\bretry-after["']?\s*[:=]\s*["']?(\d+(?:\.\d+)?)/i;
const RETRY_DELAY_MS = /\bretry_delay_ms["']?\s*[:=]\s*(\d+(?:\.\d+)?)/i;
// Older CLI builds: "Claude AI usage limit reached|1760000000" (epoch seconds of the reset).
const USAGE_LIMIT_EPOCH = /usage limit reached\|(\d{9,11})\b/i;

function kindOfText(text: string): RateLimitKind {
  if (/hit your (?:\w+ )?limit|usage limit|weekly limit/i.test(text)) return 'usage_cap';
  if (/overloaded|\b529\b/i.test(text)) return 'overloaded';
  return 'rate_limit';
}

// --- wall-clock time in an IANA zone <-> UTC instants, via Intl (DST-correct) ---
/** A wall-clock date and time; `day` may overflow (the 32nd of March is the 1st of April). */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Does Intl know this zone? */
function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time of instant `at` in `zone`. */
function zonedDate(at: Date, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(at))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/** Offset of `zone` from UTC at instant `ms` (local minus UTC), in milliseconds. */
function offsetAt(ms: number, zone: string): number {
  const w = zonedDate(new Date(ms), zone);
  const local = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return local - Math.floor(ms / 60_000) * 60_000;
}

/** The UTC instant (ms) at which `zone` shows wall time `w`; a time skipped by a DST jump maps past the jump. */
function zonedWallTimeToUtc(w: WallTime, zone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const first = asUtc - offsetAt(asUtc, zone);
  return Math.max(first, asUtc - offsetAt(first, zone));
}

const withMargin = (ms: number): number => Math.round(Math.max(0, ms) * RETRY_MARGIN);

/** Milliseconds from `now` to the next occurrence of the wall time in a reset text. */
function untilReset(m: RegExpExecArray, now: Date): number {
  const zoneName = m[6] ?? DEFAULT_RESET_ZONE;
  const zone = isValidTimeZone(zoneName) ? zoneName : 'UTC';
  let hour = Number(m[3]) % 12;
  if (m[5].toLowerCase() === 'p') hour += 12;
  const minute = m[4] ? Number(m[4]) : 0;
  const today = zonedDate(now, zone);
  const month = m[1] ? MONTHS.indexOf(m[1].toLowerCase()) + 1 : 0;
  if (month > 0) {
    // A dated reset (weekly caps): that day this year, or next year if it has passed.
    for (const year of [today.year, today.year + 1]) {
      const at = zonedWallTimeToUtc({ year, month, day: Number(m[2]), hour, minute }, zone);
      if (at > now.getTime()) return at - now.getTime();
    }
  }
  for (let addDays = 0; addDays <= 2; addDays++) {
    const at = zonedWallTimeToUtc({ ...today, day: today.day + addDays, hour, minute }, zone);
    if (at > now.getTime()) return at - now.getTime();
  }
  return 0;
}

/**
 * The wait a rate-limit text asks for, with a 10 % margin, or null when it names none (callers
 * then use DEFAULT_RETRY_AFTER_MS). Reset times are wall-clock times in the named IANA zone
 * (DST-aware; an unknown zone is taken as UTC) and mean the next occurrence after `now`.
 */
export function parseRetryAfter(text: string, now: Date = new Date()): RetryAfter | null {
  const header = RETRY_AFTER_HEADER.exec(text);
  if (header) return { ms: withMargin(Number(header[1]) * 1000), kind: kindOfText(text) };
  const delay = RETRY_DELAY_MS.exec(text);
  if (delay) return { ms: withMargin(Number(delay[1])), kind: kindOfText(text) };
  const epoch = USAGE_LIMIT_EPOCH.exec(text);
  if (epoch) return { ms: withMargin(Number(epoch[1]) * 1000 - now.getTime()), kind: 'usage_cap' };
  const resets = RESETS.exec(text);
  if (resets) return { ms: withMargin(untilReset(resets, now)), kind: 'usage_cap' };
  return null;
}
