import { describe, expect, it } from 'vitest';
import { detectRateLimit } from '../../src/ratelimit/detect.js';

const R429 =
  'API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit';
const R529 =
  'API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment.';
const retry = (status: number, delay = 7000) => ({
  errorStatus: status,
  retryDelayMs: delay,
  error: status === 529 ? 'overloaded' : 'rate_limit',
});

describe('detectRateLimit', () => {
  it('recognises the CLI 429 result, waiting the default 60 s or the api_retry delay', () => {
    const base = { exitCode: 1, isError: true, apiErrorStatus: 429, resultText: R429 };
    expect(detectRateLimit(base)).toEqual({
      kind: 'rate_limit',
      retryAfterMs: 60_000,
      estimated: true,
      message: R429,
    });
    expect(detectRateLimit({ ...base, apiRetries: [retry(429)] })?.estimated).toBe(false);
    expect(detectRateLimit({ ...base, apiRetries: [retry(429), retry(429)] })?.retryAfterMs).toBe(7700);
    expect(detectRateLimit({ ...base, apiErrorStatus: null })?.kind).toBe('rate_limit');
  });

  it('recognises 529 as overloaded', () => {
    expect(detectRateLimit({ exitCode: 1, isError: true, apiErrorStatus: 529, resultText: R529 })?.kind).toBe(
      'overloaded',
    );
  });

  it('recognises a usage cap with its reset time', () => {
    const text = "You've hit your limit · resets 3pm (UTC)";
    const now = new Date('2025-06-01T13:00:00Z');
    expect(detectRateLimit({ exitCode: 1, isError: true, resultText: text }, now)).toEqual({
      kind: 'usage_cap',
      retryAfterMs: Math.round(2 * 3_600_000 * 1.1),
      estimated: false,
      message: text,
    });
  });

  it('never flags a successful answer that talks about 429s and rate limits', () => {
    const text = 'Handled the HTTP 429 rate limit error (rate_limit_error); the limit resets at 3pm.';
    expect(
      detectRateLimit({ exitCode: 0, isError: false, resultText: text, stderr: 'got 429 Too Many Requests' }),
    ).toBeNull();
    // retries that eventually succeeded are not a rate limit either
    expect(
      detectRateLimit({ exitCode: 0, isError: false, resultText: 'Done', apiRetries: [retry(429)] }),
    ).toBeNull();
  });

  it('uses api_retry lines as evidence when the run then failed', () => {
    const failed = { exitCode: 1, isError: true, resultText: 'Request timed out' };
    expect(detectRateLimit({ ...failed, apiRetries: [retry(529, 5000)] })).toMatchObject({
      kind: 'overloaded',
      retryAfterMs: 5500,
    });
    expect(detectRateLimit({ ...failed, apiRetries: [{ errorStatus: 500, retryDelayMs: 1000 }] })).toBeNull();
  });

  it('reads stderr only on a non-zero exit, and only precise error names', () => {
    const err = 'Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}';
    expect(detectRateLimit({ exitCode: 1, isError: false, stderr: err })?.kind).toBe('rate_limit');
    expect(detectRateLimit({ exitCode: 0, isError: false, stderr: err })).toBeNull();
    expect(
      detectRateLimit({ exitCode: 2, isError: false, stderr: 'FAILED test_parse[429] - assert 1 == 2' }),
    ).toBeNull();
    expect(detectRateLimit({ exitCode: 1, isError: false, stderr: 'HTTP 529 Overloaded' })?.kind).toBe(
      'overloaded',
    );
  });
});
