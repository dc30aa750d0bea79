// Wire formats of the scripted model server: Anthropic Messages (JSON and SSE), OpenAI Chat
// Completions and Responses (JSON), error bodies, and reading text out of request bodies.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Usage } from './model-server-script.js';

/** A content block we answer with. */
export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** One answer of the model, independent of the wire format. */
export interface Answer {
  model: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  usage: Usage;
}

export const newId = (prefix: string): string => `${prefix}_scripted_${randomBytes(9).toString('hex')}`;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a `system` field or message `content`: a string, or the text of its text blocks. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (isRecord(b) && typeof b.text === 'string' ? b.text : ''))
    .filter(Boolean)
    .join('\n');
}

/** The `messages` array of a request body (Anthropic and OpenAI chat share the shape we need). */
export function messagesOf(body: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
}

export function sendJson(
  res: ServerResponse,
  status: number,
  data: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(data);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A non-streaming Messages API response. */
export function messageJson(a: Answer): Record<string, unknown> {
  return {
    id: newId('msg'),
    type: 'message',
    role: 'assistant',
    model: a.model,
    content: a.content,
    stop_reason: a.stopReason,
    stop_sequence: null,
    usage: { ...a.usage, service_tier: 'standard' },
  };
}

/** A streaming Messages API response, event by event as the real API sends it. */
export function sendMessageSse(res: ServerResponse, a: Answer): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (event: string, data: Record<string, unknown>): boolean =>
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  const startUsage = { ...a.usage, output_tokens: 1, service_tier: 'standard' };
  send('message_start', {
    message: { ...messageJson(a), content: [], stop_reason: null, usage: startUsage },
  });
  send('ping', {});
  a.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input);
      // Two chunks, so clients must really concatenate partial_json.
      const cut = Math.floor(json.length / 2);
      for (const part of [json.slice(0, cut), json.slice(cut)]) {
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } });
      }
    }
    send('content_block_stop', { index });
  });
  send('message_delta', { delta: { stop_reason: a.stopReason, stop_sequence: null }, usage: a.usage });
  send('message_stop', {});
  res.end();
}

/** Final text of an answer (what OpenAI-style formats carry). */
const answerText = (a: Answer): string => a.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

/** A non-streaming OpenAI Chat Completions response. */
export function chatCompletionJson(a: Answer): Record<string, unknown> {
  return {
    id: newId('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: a.model,
    choices: [{ index: 0, message: { role: 'assistant', content: answerText(a) }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: a.usage.input_tokens,
      completion_tokens: a.usage.output_tokens,
      total_tokens: a.usage.input_tokens + a.usage.output_tokens,
    },
  };
}

/** A non-streaming OpenAI Responses API response. */
export function responsesJson(a: Answer): Record<string, unknown> {
  const text = answerText(a);
  return {
    id: newId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: a.model,
    output: [
      {
        type: 'message',
        id: newId('msg'),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    output_text: text,
    usage: {
      input_tokens: a.usage.input_tokens,
      output_tokens: a.usage.output_tokens,
      total_tokens: a.usage.input_tokens + a.usage.output_tokens,
    },
  };
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<string, string> = {
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit (scripted fault)',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
};

/** An error body: Anthropic shape `{type:"error",error:{type,message}}`, or OpenAI shape `{error:{...}}`. */
export function errorBody(
  status: number,
  message: string | undefined,
  style: 'anthropic' | 'openai',
): unknown {
  const type = ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const msg = message ?? DEFAULT_MESSAGES[type] ?? `scripted error ${status}`;
  if (style === 'anthropic') return { type: 'error', error: { type, message: msg } };
  const code = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request';
  return { error: { message: msg, type: status >= 500 ? 'server_error' : type, param: null, code } };
}

/** One output item of a Responses answer (message, function_call, custom_tool_call, reasoning). */
export type ResponsesItem = Record<string, unknown> & { type: string };

/** A streamed Responses answer (what the Codex CLI gets). */
export interface ResponsesStream {
  model: string;
  items: ResponsesItem[];
  usage: Usage;
}

/**
 * Responses usage from Anthropic-style counts: OpenAI's `input_tokens` include the cached ones
 * (`cached_tokens`) and the cache writes (`cache_write_tokens`).
 */
export function responsesUsage(u: Usage): Record<string, unknown> {
  const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: u.cache_read_input_tokens,
      cache_write_tokens: u.cache_creation_input_tokens,
    },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + u.output_tokens,
  };
}

/** A streaming Responses API answer (SSE): created, one `output_item.done` per item, completed with usage. */
export function sendResponsesSse(res: ServerResponse, a: ResponsesStream): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (type: string, data: Record<string, unknown>): boolean =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const response = {
    id: newId('resp'),
    object: 'response',
    model: a.model,
    created_at: Math.floor(Date.now() / 1000),
  };
  send('response.created', { response: { ...response, status: 'in_progress', output: [] } });
  a.items.forEach((item, i) => send('response.output_item.done', { output_index: i, item }));
  send('response.completed', {
    response: { ...response, status: 'completed', output: a.items, usage: responsesUsage(a.usage) },
  });
  res.end();
}

/** The 404 for a model the server does not serve (script `models`), in the API's own error shape. */
export function modelNotFoundBody(model: string, style: 'anthropic' | 'openai'): unknown {
  if (style === 'anthropic')
    return { type: 'error', error: { type: 'not_found_error', message: `model: ${model}` } };
  return {
    error: {
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    },
  };
}
