// Judge transport for the Anthropic Messages API (POST /v1/messages, non-streaming) over fetch.
import { ConfigError } from '../errors.js';
import { apiUrl } from '../util/http.js';
import { JudgeHttpError, postJson } from './http-call.js';
import type { JudgeRequest, JudgeResponse, JudgeTransport, TransportOptions } from './transport.js';
import { completionProbe } from './transport-probe.js';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';
const API_VERSION = '2023-06-01';
/** Reply budget when the caller gives none: a verdict with explanations for a few dozen items. */
export const DEFAULT_MAX_TOKENS = 4096;

interface MessagesReply {
  content?: { type?: string; text?: string }[];
  usage?: { input_tokens?: number; output_tokens?: number };
  model?: string;
}

/** Anthropic transport; base URL and key default to ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY of `env`. */
export function createAnthropicTransport(opts: TransportOptions = {}): JudgeTransport {
  const env = opts.env ?? process.env;
  const baseUrl = opts.baseUrl ?? (env.ANTHROPIC_BASE_URL || DEFAULT_BASE_URL);
  const apiKey = opts.apiKey ?? env.ANTHROPIC_API_KEY;
  if (!apiKey) throw new ConfigError('the anthropic judge needs an API key', { field: 'ANTHROPIC_API_KEY' });
  const url = apiUrl(baseUrl, 'messages');
  const headers = { 'x-api-key': apiKey, 'anthropic-version': API_VERSION };

  async function complete(req: JudgeRequest): Promise<JudgeResponse> {
    const started = Date.now();
    const reply = (await postJson({
      label: 'anthropic',
      url,
      headers,
      body: {
        model: req.model,
        max_tokens: req.maxTokens ?? DEFAULT_MAX_TOKENS,
        system: req.system,
        messages: [{ role: 'user', content: req.user }],
      },
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      secret: apiKey,
    })) as MessagesReply;
    if (!Array.isArray(reply?.content)) {
      throw new JudgeHttpError('anthropic judge API reply has no `content` array', 200);
    }
    return {
      text: reply.content
        .map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
        .join(''),
      usage: { inputTokens: reply.usage?.input_tokens ?? 0, outputTokens: reply.usage?.output_tokens ?? 0 },
      model: reply.model ?? req.model,
      durationMs: Date.now() - started,
    };
  }

  return {
    name: 'anthropic',
    complete,
    probeModel: (model) => completionProbe('anthropic', complete, model),
  };
}
