// Judge transport for the OpenAI Chat Completions API (POST /v1/chat/completions) and compatible servers.
import { ConfigError } from '../errors.js';
import { apiUrl } from '../util/http.js';
import { JudgeHttpError, postJson } from './http-call.js';
import type { JudgeRequest, JudgeResponse, JudgeTransport, TransportOptions } from './transport.js';
import { completionProbe } from './transport-probe.js';

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

interface ChatReply {
  choices?: { message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  model?: string;
}

/**
 * OpenAI transport; base URL and key default to OPENAI_BASE_URL and OPENAI_API_KEY of `env`. The base
 * URL may end with `/v1` or not.
 */
export function createOpenAITransport(opts: TransportOptions = {}): JudgeTransport {
  const env = opts.env ?? process.env;
  const baseUrl = opts.baseUrl ?? (env.OPENAI_BASE_URL || DEFAULT_BASE_URL);
  const apiKey = opts.apiKey ?? env.OPENAI_API_KEY;
  if (!apiKey) throw new ConfigError('the openai judge needs an API key', { field: 'OPENAI_API_KEY' });
  const url = apiUrl(baseUrl, 'chat/completions');

  async function complete(req: JudgeRequest): Promise<JudgeResponse> {
    const started = Date.now();
    const reply = (await postJson({
      label: 'openai',
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      body: {
        model: req.model,
        messages: [
          { role: 'system', content: req.system },
          { role: 'user', content: req.user },
        ],
        // Current models take max_completion_tokens; only sent when asked for, so older servers are not confused.
        ...(req.maxTokens ? { max_completion_tokens: req.maxTokens } : {}),
      },
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      secret: apiKey,
    })) as ChatReply;
    const choice = Array.isArray(reply?.choices) ? reply.choices[0] : undefined;
    if (!choice?.message) throw new JudgeHttpError('openai judge API reply has no choices[0].message', 200);
    return {
      text: choice.message.content ?? '',
      usage: {
        inputTokens: reply.usage?.prompt_tokens ?? 0,
        outputTokens: reply.usage?.completion_tokens ?? 0,
      },
      model: reply.model ?? req.model,
      durationMs: Date.now() - started,
    };
  }

  return { name: 'openai', complete, probeModel: (model) => completionProbe('openai', complete, model) };
}
