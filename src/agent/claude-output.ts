// Reading Claude Code's output: stream-json lines as they arrive, the single json object, or plain text.
import { z } from 'zod';
import type { ApiRetry } from '../ratelimit/detect.js';
import { parseJsonOrNull } from '../util/json.js';
import { ZERO_USAGE, type AgentUsage } from './result.js';

const ApiUsageSchema = z.looseObject({
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

/** The `result` object (last stream-json line, or the whole json output). Only the fields we use. */
export const ClaudeResultSchema = z.looseObject({
  type: z.literal('result'),
  subtype: z.string().optional(),
  is_error: z.boolean().optional(),
  api_error_status: z.number().nullish(),
  num_turns: z.number().optional(),
  result: z.string().optional(),
  session_id: z.string().optional(),
  total_cost_usd: z.number().optional(),
  usage: ApiUsageSchema.optional(),
  errors: z.array(z.unknown()).optional(),
});
export type ClaudeResult = z.infer<typeof ClaudeResultSchema>;

const InitSchema = z.looseObject({ type: z.literal('system'), subtype: z.literal('init') });
const RetrySchema = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('api_retry'),
  error_status: z.number().nullish(),
  retry_delay_ms: z.number().nullish(),
  error: z.string().nullish(),
});
const AssistantSchema = z.looseObject({
  type: z.literal('assistant'),
  message: z.looseObject({
    id: z.string().optional(),
    usage: ApiUsageSchema.nullish(),
    content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
  }),
});

/** Everything read from the agent's stdout. */
export interface ClaudeOutput {
  result?: ClaudeResult;
  /** The `system/init` line: cwd, tools, model, claude_code_version, ... */
  init?: Record<string, unknown>;
  apiRetries: ApiRetry[];
  /** Usage summed over assistant messages (the CLI's total overrides it when there is a result). */
  usage: AgentUsage;
  numTurns: number;
  /** The last assistant text block seen (the answer so far, when no result line came). */
  lastText: string;
}

function toUsage(u: z.infer<typeof ApiUsageSchema> | null | undefined): AgentUsage {
  return {
    inputTokens: u?.input_tokens ?? 0,
    outputTokens: u?.output_tokens ?? 0,
    cacheCreationTokens: u?.cache_creation_input_tokens ?? 0,
    cacheReadTokens: u?.cache_read_input_tokens ?? 0,
  };
}

function sumUsage(list: Iterable<AgentUsage>): AgentUsage {
  const s = { ...ZERO_USAGE };
  for (const u of list) {
    s.inputTokens += u.inputTokens;
    s.outputTokens += u.outputTokens;
    s.cacheCreationTokens += u.cacheCreationTokens;
    s.cacheReadTokens += u.cacheReadTokens;
  }
  return s;
}

/** Accumulates stream-json lines as they arrive; `output()` is valid at any moment (e.g. after a kill). */
export class StreamJsonReader {
  private readonly messages = new Map<string, AgentUsage>();
  private anonymous = 0;
  private result?: ClaudeResult;
  private init?: Record<string, unknown>;
  private readonly retries: ApiRetry[] = [];
  private lastText = '';

  /** `onRetry` hears each `api_retry` line as it arrives. */
  constructor(private readonly onRetry?: (r: ApiRetry) => void) {}

  /** Feed one stdout line; lines that are not JSON (warnings) are ignored. */
  line(text: string): void {
    const obj = parseJsonOrNull(text);
    const result = ClaudeResultSchema.safeParse(obj);
    if (result.success) return void (this.result = result.data);
    const assistant = AssistantSchema.safeParse(obj);
    if (assistant.success) {
      const m = assistant.data.message;
      // One line per content block, same message id; the last usage seen for an id is the best one.
      this.messages.set(m.id ?? `anonymous-${this.anonymous++}`, toUsage(m.usage));
      const texts = (m.content ?? []).filter((b) => b.type === 'text' && b.text).map((b) => b.text ?? '');
      if (texts.length) this.lastText = texts.join('\n');
      return;
    }
    const retry = RetrySchema.safeParse(obj);
    if (retry.success) {
      const r = retry.data;
      const entry: ApiRetry = {
        errorStatus: r.error_status ?? null,
        retryDelayMs: r.retry_delay_ms ?? null,
        error: r.error ?? undefined,
      };
      this.retries.push(entry);
      this.onRetry?.(entry);
      return;
    }
    if (InitSchema.safeParse(obj).success) this.init = obj as Record<string, unknown>;
  }

  output(): ClaudeOutput {
    const r = this.result;
    return {
      result: r,
      init: this.init,
      apiRetries: [...this.retries],
      usage: r?.usage ? toUsage(r.usage) : sumUsage(this.messages.values()),
      numTurns: r?.num_turns ?? this.messages.size,
      lastText: this.lastText,
    };
  }
}

/** Output of `--output-format json`: one object (possibly after warning lines); falls back to text. */
export function parseJsonOutput(stdout: string): ClaudeOutput {
  const whole = ClaudeResultSchema.safeParse(parseJsonOrNull(stdout.trim()));
  const result = whole.success
    ? whole.data
    : stdout
        .split('\n')
        .reverse()
        .map((l) => ClaudeResultSchema.safeParse(parseJsonOrNull(l.trim())))
        .find((p) => p.success)?.data;
  if (!result) return parseTextOutput(stdout);
  return {
    result,
    apiRetries: [],
    usage: toUsage(result.usage),
    numTurns: result.num_turns ?? 0,
    lastText: result.result ?? '',
  };
}

const num = (re: RegExp, text: string): number | undefined => {
  const m = re.exec(text);
  return m ? Number(m[1].replace(/,/g, '')) : undefined;
};

/** Last resort for non-JSON output: the token and call-count phrases agents print. */
export function parseTextOutput(stdout: string): ClaudeOutput {
  const pair = /\(?\b([\d,]+) input,\s*([\d,]+) output\)?/i.exec(stdout);
  const input = num(/\binput tokens:\s*([\d,]+)/i, stdout) ?? (pair ? Number(pair[1].replace(/,/g, '')) : 0);
  const output =
    num(/\boutput tokens:\s*([\d,]+)/i, stdout) ?? (pair ? Number(pair[2].replace(/,/g, '')) : 0);
  const markers = (stdout.match(/\b(?:Response|Completion):/g) ?? []).length;
  const calls =
    num(/\bAPI calls:\s*(\d+)/i, stdout) ??
    num(/\b(\d+) API calls\b/i, stdout) ??
    (markers || (stdout.trim().length > 100 ? 1 : 0));
  return {
    apiRetries: [],
    usage: { ...ZERO_USAGE, inputTokens: input, outputTokens: output },
    numTurns: calls,
    lastText: stdout.trim(),
  };
}
