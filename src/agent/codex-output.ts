// Parses `codex exec --json` stdout (JSONL events) line by line as it arrives: usage, actions, final
// message, and the error events that tell a rate limit from a failed turn.
import { z } from 'zod';
import { ZERO_USAGE, type AgentUsage } from './result.js';

/** `turn.completed.usage`: the sum over every request of the turn (OpenAI counting: input includes cached). */
const CodexUsageSchema = z.looseObject({
  input_tokens: z.number().int().nonnegative().default(0),
  cached_input_tokens: z.number().int().nonnegative().default(0),
  cache_write_input_tokens: z.number().int().nonnegative().default(0),
  output_tokens: z.number().int().nonnegative().default(0),
  reasoning_output_tokens: z.number().int().nonnegative().default(0),
});

const EventSchema = z.looseObject({
  type: z.string(),
  thread_id: z.string().optional(),
  message: z.string().optional(),
  usage: CodexUsageSchema.optional(),
  error: z.looseObject({ message: z.string().optional() }).optional(),
  item: z
    .looseObject({ type: z.string(), text: z.string().optional(), message: z.string().optional() })
    .optional(),
});

/** Item types that are an action of the agent (a tool call or an answer). */
const ACTION_ITEMS = new Set([
  'agent_message',
  'command_execution',
  'file_change',
  'mcp_tool_call',
  'web_search',
  'todo_list',
]);

/** What a Codex run printed, as far as Scylla needs it. */
export interface CodexOutput {
  threadId?: string;
  /** Summed over completed turns (in our counting: input excludes cache reads and writes). */
  usage: AgentUsage;
  /** Completed agent actions (commands, file changes, messages): Codex does not show its API calls. */
  numActions: number;
  /** Text of the last `agent_message`. */
  lastMessage: string;
  /** A `turn.completed` was seen (the only proof of a clean end). */
  turnCompleted: boolean;
  /** Message of `turn.failed`, when one was seen. */
  turnFailed?: string;
  /** Top-level `error` events, in order (retry notices and the fatal error). */
  errors: string[];
  /** Non-fatal `error` items (e.g. "Model metadata ... not found"). */
  warnings: string[];
  /** Lines that were not JSON events (kept for error messages). */
  otherLines: string[];
  /** Codex's "waiting for network" notice: the model server cannot be reached (Codex would wait forever). */
  unreachable?: string;
}

/** Codex's notice for a server it cannot connect to; it then waits for the network indefinitely. */
const UNREACHABLE = /waiting for network/i;

/** Map Codex usage to ours: cached and cache-write tokens are taken out of the input count. */
export function toAgentUsage(u: z.infer<typeof CodexUsageSchema>): AgentUsage {
  return {
    inputTokens: Math.max(0, u.input_tokens - u.cached_input_tokens - u.cache_write_input_tokens),
    outputTokens: u.output_tokens,
    cacheCreationTokens: u.cache_write_input_tokens,
    cacheReadTokens: u.cached_input_tokens,
  };
}

const add = (a: AgentUsage, b: AgentUsage): AgentUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheCreationTokens: a.cacheCreationTokens + b.cacheCreationTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
});

/**
 * Feed stdout lines as they arrive; `output()` at any time (also after a kill) gives what was seen.
 * `onUnreachable` is called once when Codex reports that it cannot reach the model server.
 */
export class CodexStreamReader {
  constructor(private readonly onUnreachable?: (message: string) => void) {}

  private out: CodexOutput = {
    usage: { ...ZERO_USAGE },
    numActions: 0,
    lastMessage: '',
    turnCompleted: false,
    errors: [],
    warnings: [],
    otherLines: [],
  };

  line(raw: string): void {
    const text = raw.trim();
    if (!text) return;
    let ev: z.infer<typeof EventSchema>;
    try {
      const parsed = EventSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error('not an event');
      ev = parsed.data;
    } catch {
      if (this.out.otherLines.length < 50) this.out.otherLines.push(text.slice(0, 500));
      return;
    }
    const o = this.out;
    switch (ev.type) {
      case 'thread.started':
        o.threadId = ev.thread_id ?? o.threadId;
        break;
      case 'turn.completed':
        o.turnCompleted = true;
        if (ev.usage) o.usage = add(o.usage, toAgentUsage(ev.usage));
        break;
      case 'turn.failed':
        o.turnFailed = ev.error?.message ?? 'turn failed';
        break;
      case 'error':
        o.errors.push(ev.message ?? text);
        if (!o.unreachable && UNREACHABLE.test(ev.message ?? '')) {
          o.unreachable = ev.message;
          this.onUnreachable?.(o.unreachable ?? '');
        }
        break;
      case 'item.completed': {
        const item = ev.item;
        if (!item) break;
        if (item.type === 'error') o.warnings.push(item.message ?? '');
        if (ACTION_ITEMS.has(item.type)) o.numActions += 1;
        if (item.type === 'agent_message' && item.text !== undefined) o.lastMessage = item.text;
        break;
      }
      default:
        break;
    }
  }

  output(): CodexOutput {
    return { ...this.out, errors: [...this.out.errors], warnings: [...this.out.warnings] };
  }
}
