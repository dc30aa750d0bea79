// Judge transports and runJudge against a real HTTP server on 127.0.0.1: replies, retries, rate limits, artefacts.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RubricSchema } from '../../src/config/rubric.js';
import { InterruptedError, RateLimitError } from '../../src/errors.js';
import { createAnthropicTransport } from '../../src/judge/anthropic-transport.js';
import { JudgeHttpError } from '../../src/judge/http-call.js';
import { createOpenAITransport } from '../../src/judge/openai-transport.js';
import { runJudge } from '../../src/judge/run-judge.js';
import { JUDGE_SYSTEM_PROMPT } from '../../src/judge/system-prompt.js';
import { createJudgeTransport } from '../../src/judge/transport-registry.js';
import { tmpDir } from '../helpers/tmp.js';

const KEY = 'sk-test-SECRET-0123456789';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

/** A scripted server: answers the queued replies in order (the last one repeats) and records requests. */
async function scripted(replies: Reply[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(data || '{}') });
      const r = replies[Math.min(seen.length - 1, replies.length - 1)];
      const send = () => {
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
        res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {}));
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise((ok) => (s.closeAllConnections(), s.close(ok)))),
  );
});

const anthropicText = (text: string): Reply => ({
  body: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-judge-1',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 100, output_tokens: 20 },
  },
});

const rubric = RubricSchema.parse({
  requirements: [
    { id: 'R1', description: 'hello.py exists', weight: 3, evaluation: 'binary' },
    { id: 'R2', description: 'output exact', weight: 1 },
    { id: 'R3', description: 'tests pass', weight: 1 },
  ],
  grading: { pass_threshold: 0.8 },
});
const verdict = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    score: 0.5,
    passed: false,
    reasoning: 'File exists; output has a trailing space.',
    criteria_scores: {
      R1: { score: 1, explanation: 'exists' },
      R2: { score: 0.6, explanation: 'trailing space' },
      R3: { score: null, explanation: 'no tests asked for' },
    },
    ...over,
  });

function judgeWith(url: string, extra: Partial<Parameters<typeof runJudge>[0]> = {}) {
  return runJudge({
    transport: createAnthropicTransport({ baseUrl: url, apiKey: KEY, env: {} }),
    model: 'claude-judge-1',
    system: JUDGE_SYSTEM_PROMPT,
    user: '## Task Given to Agent\n\nCreate hello.py',
    rubric,
    timeoutMs: 5000,
    retryDelayMs: 0,
    ...extra,
  });
}

describe('anthropic transport', () => {
  it('posts a Messages request and returns text, usage and model', async () => {
    const srv = await scripted([anthropicText('hi')]);
    const t = createJudgeTransport('anthropic', {
      env: { ANTHROPIC_BASE_URL: srv.url, ANTHROPIC_API_KEY: KEY },
    });
    const res = await t.complete({ model: 'm', system: 'sys', user: 'usr', timeoutMs: 5000 });
    expect(res).toMatchObject({
      text: 'hi',
      usage: { inputTokens: 100, outputTokens: 20 },
      model: 'claude-judge-1',
    });
    expect(srv.seen[0].url).toBe('/v1/messages');
    expect(srv.seen[0].headers['x-api-key']).toBe(KEY);
    expect(srv.seen[0].headers['anthropic-version']).toBe('2023-06-01');
    expect(srv.seen[0].body).toMatchObject({
      model: 'm',
      system: 'sys',
      messages: [{ role: 'user', content: 'usr' }],
    });
    expect(srv.seen[0].body.stream).toBeUndefined();
  });

  it('turns 429 with retry-after into a RateLimitError with that wait', async () => {
    const srv = await scripted([{ status: 429, headers: { 'retry-after': '17' }, body: { type: 'error' } }]);
    const err = await createAnthropicTransport({ baseUrl: srv.url, apiKey: KEY })
      .complete({ model: 'm', system: 's', user: 'u', timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 17_000, source: 'judge', kind: 'rate_limit' });
    expect(srv.seen).toHaveLength(1); // no retries inside the transport
  });

  it('turns 529 into an overloaded RateLimitError, waiting until the ratelimit reset header', async () => {
    const reset = new Date(Date.now() + 42_000).toISOString();
    const srv = await scripted([
      {
        status: 529,
        headers: { 'anthropic-ratelimit-tokens-reset': reset },
        body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      },
    ]);
    const err = await createAnthropicTransport({ baseUrl: srv.url, apiKey: KEY })
      .complete({ model: 'm', system: 's', user: 'u', timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).kind).toBe('overloaded');
    expect((err as RateLimitError).retryAfterMs).toBeGreaterThan(39_000);
    expect((err as RateLimitError).retryAfterMs).toBeLessThanOrEqual(42_000);
  });

  it('reports other HTTP errors with status and body excerpt, never the key; times out per call', async () => {
    const srv = await scripted([
      { status: 401, body: { error: { message: `invalid x-api-key ${KEY}` } } },
      { ...anthropicText('late'), delayMs: 1500 },
    ]);
    const t = createAnthropicTransport({ baseUrl: srv.url, apiKey: KEY });
    const err = await t
      .complete({ model: 'm', system: 's', user: 'u', timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JudgeHttpError);
    expect((err as JudgeHttpError).status).toBe(401);
    expect((err as Error).message).toContain('HTTP 401');
    expect((err as Error).message).toContain('invalid x-api-key [redacted]');
    expect((err as Error).message).not.toContain(KEY);
    const slow = await t
      .complete({ model: 'm', system: 's', user: 'u', timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(JudgeHttpError);
    expect((slow as Error).message).toMatch(/timed out after 200 ms/);
    const ac = new AbortController();
    const pending = t.complete({ model: 'm', system: 's', user: 'u', timeoutMs: 5000, signal: ac.signal });
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('openai transport', () => {
  it('round-trips a chat completion, with or without /v1 in the base URL', async () => {
    const reply: Reply = {
      body: {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: 'gpt-judge',
        choices: [{ index: 0, message: { role: 'assistant', content: verdict() }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
      },
    };
    const srv = await scripted([reply]);
    for (const base of [srv.url, `${srv.url}/v1/`]) {
      const t = createOpenAITransport({ env: { OPENAI_BASE_URL: base, OPENAI_API_KEY: KEY } });
      const res = await t.complete({ model: 'gpt-judge', system: 'sys', user: 'usr', timeoutMs: 5000 });
      expect(res).toMatchObject({
        text: verdict(),
        usage: { inputTokens: 50, outputTokens: 10 },
        model: 'gpt-judge',
      });
    }
    expect(srv.seen.map((s) => s.url)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    expect(srv.seen[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(srv.seen[0].body.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'usr' },
    ]);
    // A whole judge run over the OpenAI transport.
    const j = await runJudge({
      transport: createOpenAITransport({ baseUrl: srv.url, apiKey: KEY }),
      model: 'gpt-judge',
      system: JUDGE_SYSTEM_PROMPT,
      user: 'u',
      rubric,
      timeoutMs: 5000,
    });
    expect(j).toMatchObject({ valid: true, attempts: 1 });
  });

  it('turns 429 with x-ratelimit-reset durations into a RateLimitError', async () => {
    const srv = await scripted([
      { status: 429, headers: { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' } },
    ]);
    const err = await createOpenAITransport({ baseUrl: srv.url, apiKey: KEY })
      .complete({ model: 'm', system: 's', user: 'u', timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ retryAfterMs: 360_000, kind: 'rate_limit', source: 'judge' });
  });
});

describe('runJudge', () => {
  it('scores a valid verdict from the rubric items (N/A excluded) with the rubric threshold', async () => {
    const srv = await scripted([anthropicText(verdict())]);
    const j = await judgeWith(srv.url);
    // (3*1 + 1*0.6) / 4 = 0.9 ≥ 0.8, although the judge itself said 0.5 and not passed.
    expect(j).toMatchObject({ valid: true, failure: null, scoreSource: 'rubric_items', judgeScore: 0.5 });
    expect(j.score).toBeCloseTo(0.9);
    expect(j.passed).toBe(true);
    expect(j.judgePassed).toBe(false);
    expect(j.grade).toBe('A');
    expect(j.criteria.R3).toEqual({ score: null, explanation: 'no tests asked for' });
    expect(j.usage).toEqual({ inputTokens: 100, outputTokens: 20 });
    expect(srv.seen[0].body.system).toContain('Scylla judge');
  });

  it('uses the judge score when items are missing', async () => {
    const srv = await scripted([
      anthropicText(verdict({ score: 0.85, criteria_scores: { R1: { score: 1, explanation: '' } } })),
    ]);
    const j = await judgeWith(srv.url);
    expect(j).toMatchObject({ valid: true, scoreSource: 'judge', score: 0.85, passed: true, grade: 'A' });
  });

  it('reads a fenced verdict', async () => {
    const srv = await scripted([
      anthropicText(`Here is my evaluation.\n\n\`\`\`json\n${verdict()}\n\`\`\`\n`),
    ]);
    const j = await judgeWith(srv.url);
    expect(j.valid).toBe(true);
    expect(j.attempts).toBe(1);
  });

  it('retries garbage twice with a JSON-only reminder, then uses the valid verdict', async () => {
    const srv = await scripted([
      anthropicText('I think it went well.'),
      anthropicText('{oops'),
      anthropicText(verdict()),
    ]);
    const dir = tmpDir();
    const j = await judgeWith(srv.url, { artefactDir: dir });
    expect(srv.seen).toHaveLength(3);
    expect(j).toMatchObject({ valid: true, attempts: 3, raw: verdict() });
    expect(j.score).toBeCloseTo(0.9);
    const lastUser = (srv.seen[2].body.messages as { content: string }[])[0].content;
    expect(lastUser).toContain('JSON only');
    expect((srv.seen[0].body.messages as { content: string }[])[0].content).not.toContain('Reminder');
    expect(j.usage).toEqual({ inputTokens: 300, outputTokens: 60 });
    const response = readFileSync(join(dir, 'response.txt'), 'utf8');
    expect(response).toContain('I think it went well.');
    expect(response).toContain('===== attempt 3 (ok) =====');
  });

  it('garbage three times is an invalid judgment, not a pass, even when the text says "passed"', async () => {
    const srv = await scripted([
      anthropicText('All tests passed! The agent passed. Success. "passed": true'),
    ]);
    const j = await judgeWith(srv.url);
    expect(srv.seen).toHaveLength(3);
    expect(j).toMatchObject({
      valid: false,
      failure: 'unparseable',
      score: null,
      passed: null,
      grade: null,
      attempts: 3,
    });
  });

  it('a failing judge API is an invalid judge_error judgment after the attempts', async () => {
    const srv = await scripted([{ status: 500, body: { error: 'boom' } }]);
    const j = await judgeWith(srv.url);
    expect(srv.seen).toHaveLength(3);
    expect(j).toMatchObject({ valid: false, failure: 'judge_error', score: null, passed: null });
    expect(j.reasoning).toContain('HTTP 500');
  });

  it('lets a rate limit propagate instead of judging', async () => {
    const srv = await scripted([{ status: 429, headers: { 'retry-after': '5' } }]);
    await expect(judgeWith(srv.url)).rejects.toMatchObject({ name: 'RateLimitError', retryAfterMs: 5000 });
    expect(srv.seen).toHaveLength(1);
  });

  it('writes its artefacts without the API key', async () => {
    const srv = await scripted([
      { status: 400, body: { error: { message: `bad request for key ${KEY}` } } },
      anthropicText(verdict()),
    ]);
    const dir = tmpDir();
    const j = await judgeWith(srv.url, { artefactDir: dir });
    expect(j.valid).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([
      'MODEL.md',
      'judgment.json',
      'prompt.md',
      'response.txt',
      'timing.json',
    ]);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain(KEY);
    expect(JSON.parse(readFileSync(join(dir, 'judgment.json'), 'utf8'))).toEqual(j);
    expect(readFileSync(join(dir, 'prompt.md'), 'utf8')).toContain('Scylla judge');
    expect(readFileSync(join(dir, 'MODEL.md'), 'utf8')).toContain('claude-judge-1');
    const timing = JSON.parse(readFileSync(join(dir, 'timing.json'), 'utf8'));
    expect(timing.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['judge_error', 'ok']);
    expect(readFileSync(join(dir, 'response.txt'), 'utf8')).toContain('[redacted]');
  });
});
