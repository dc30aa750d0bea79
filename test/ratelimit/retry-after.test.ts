import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/ratelimit/retry-after.js';

const H = 3_600_000;
const margin = (ms: number): number => Math.round(ms * 1.1);

describe('parseRetryAfter', () => {
  it('reads a Retry-After header and retry_delay_ms, with a 10 % margin', () => {
    expect(parseRetryAfter('HTTP 429\nretry-after: 7')).toEqual({ ms: 7700, kind: 'rate_limit' });
    expect(parseRetryAfter('{"retry_delay_ms":7000,"error_status":429}')).toEqual({
      ms: 7700,
      kind: 'rate_limit',
    });
    expect(parseRetryAfter('Retry-After: 30 (overloaded)')?.kind).toBe('overloaded');
  });

  it('returns null when the text names no wait', () => {
    expect(parseRetryAfter('API Error: Request rejected (429) · too many tokens')).toBeNull();
    expect(parseRetryAfter('')).toBeNull();
  });

  it('finds the next 3pm in Los Angeles across the March DST switch', () => {
    // 2025-03-09 00:00 PST; clocks jump to PDT at 02:00, so 15:00 local is 22:00Z, 14 h away (not 15).
    const now = new Date('2025-03-09T08:00:00Z');
    expect(parseRetryAfter("You've hit your limit · resets 3pm (America/Los_Angeles)", now)).toEqual({
      ms: margin(14 * H),
      kind: 'usage_cap',
    });
    // 2025-03-08 15:30 PST, already past 3pm: tomorrow's 3pm PDT is 22.5 h away (a day minus the lost hour).
    const late = new Date('2025-03-08T23:30:00Z');
    expect(parseRetryAfter('resets 3pm (America/Los_Angeles)', late)?.ms).toBe(margin(22.5 * H));
  });

  it('uses the next occurrence, minutes included, and Los Angeles when no zone is named', () => {
    const now = new Date('2025-06-01T12:00:00Z'); // 05:00 PDT
    expect(parseRetryAfter('limit hit, resets 3:30am', now)?.ms).toBe(margin(22.5 * H));
    expect(parseRetryAfter('resets 7am (Europe/Berlin)', now)?.ms).toBe(margin(17 * H)); // 14:00 CEST now
  });

  it('takes an unknown time zone as UTC', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    expect(parseRetryAfter('resets 3pm (Not/AZone)', now)).toEqual({ ms: margin(3 * H), kind: 'usage_cap' });
  });

  it('reads dated weekly resets and epoch-style usage limits as usage caps', () => {
    const now = new Date('2025-10-07T17:00:00Z'); // Oct 7 10:00 PDT
    const weekly = parseRetryAfter(
      "You've hit your weekly limit · resets Oct 9, 10am (America/Los_Angeles)",
      now,
    );
    expect(weekly).toEqual({ ms: margin(48 * H), kind: 'usage_cap' });
    const epoch = Math.floor(now.getTime() / 1000) + 3600;
    expect(parseRetryAfter(`Claude AI usage limit reached|${epoch}`, now)).toEqual({
      ms: margin(H),
      kind: 'usage_cap',
    });
  });
});
