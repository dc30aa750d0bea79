// Model probing: one tiny request that tells whether a provider serves a model. A probe is planned as
// data first (what is sent where, or why it cannot be checked), so a caller can drop duplicates.
import { InterruptedError } from '../errors.js';
import { httpLimitKind } from '../ratelimit/http-limit.js';
import { apiUrl, excerpt, hostOf, sendJson } from '../util/http.js';

/** How one probe went. `failed` is not yet a verdict: the caller decides what a status means. */
export type ProbeOutcome =
  | { kind: 'ok' }
  | { kind: 'rate_limited'; message: string }
  | { kind: 'failed'; status?: number; message: string };

/** Limits of one probe request. */
export interface ProbeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A planned model check: the id sent and the API asked, and either how to send it or why not. */
export type ModelProbe = { model: string; via: string } & (
  { send(opts: ProbeOptions): Promise<ProbeOutcome> } | { unchecked: string }
);

/** A model that cannot be checked from here, and why (logged, never a failure). */
export const unchecked = (model: string, via: string, why: string): ModelProbe => ({
  model,
  via,
  unchecked: why,
});

/** A probe that POSTs `body` to `url`; an abort is an InterruptedError, everything else an outcome. */
export function httpProbe(
  model: string,
  via: string,
  post: { url: string; headers: Record<string, string>; body: unknown },
): ModelProbe {
  return {
    model,
    via,
    async send(opts) {
      const reply = await sendJson({ ...post, ...opts });
      if (reply.noAnswer?.reason === 'aborted')
        throw new InterruptedError(`model check of '${model}' interrupted`);
      if (reply.noAnswer || reply.status === undefined)
        return { kind: 'failed', message: `${hostOf(post.url)}: ${reply.noAnswer?.detail ?? 'no answer'}` };
      if (httpLimitKind(reply.status)) return { kind: 'rate_limited', message: `HTTP ${reply.status}` };
      if (reply.status < 200 || reply.status >= 300)
        return {
          kind: 'failed',
          status: reply.status,
          message: `HTTP ${reply.status}: ${excerpt(reply.text)}`,
        };
      return { kind: 'ok' };
    },
  };
}

/** One `max_tokens: 1` Messages request with the Anthropic key of `env` (the Claude Code CLI's provider). */
export function anthropicProbe(model: string, env: NodeJS.ProcessEnv): ModelProbe {
  if (env.CLAUDE_CODE_USE_BEDROCK || env.CLAUDE_CODE_USE_VERTEX)
    return unchecked(model, 'anthropic', 'Bedrock/Vertex models are not checked');
  const key = env.ANTHROPIC_API_KEY;
  if (!key)
    return unchecked(
      model,
      'anthropic',
      `no ANTHROPIC_API_KEY (user login?): model '${model}' is not checked`,
    );
  return httpProbe(model, 'anthropic', {
    url: apiUrl(env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com', 'messages'),
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] },
  });
}
