// The scripted model server's script: plain JSON data (zod schema = the types) plus optional test hooks.
import { z } from 'zod';

/** Token counts reported for one answer (Anthropic names; mapped for OpenAI-style answers). */
export const UsageSchema = z.strictObject({
  input_tokens: z.number().int().nonnegative().optional(),
  output_tokens: z.number().int().nonnegative().optional(),
  cache_read_input_tokens: z.number().int().nonnegative().optional(),
  cache_creation_input_tokens: z.number().int().nonnegative().optional(),
});
export type Usage = Required<z.infer<typeof UsageSchema>>;

/** Reported when neither the script nor the step says otherwise: 1200 in + 80 out = $0.0048 on Sonnet 4.5. */
export const DEFAULT_USAGE: Usage = {
  input_tokens: 1200,
  output_tokens: 80,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
};

/** One tool call. Relative `file_path` / `notebook_path` / `path` inputs are made absolute against the cwd. */
export const ToolCallSchema = z.strictObject({
  tool: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
});

/**
 * One assistant turn. With `tool` (or `tools`) it ends with `stop_reason: tool_use`, with only `text`
 * it ends the conversation (`end_turn`). `text` next to a tool call is sent as a preface block.
 */
export const AgentStepSchema = z
  .strictObject({
    text: z.string().optional(),
    tool: z.string().min(1).optional(),
    input: z.record(z.string(), z.unknown()).optional(),
    /** Several tool calls in one turn (parallel tool use). */
    tools: z.array(ToolCallSchema).optional(),
    /** Overrides the agent usage for this turn only. */
    usage: UsageSchema.optional(),
  })
  .refine((s) => s.text !== undefined || s.tool !== undefined || (s.tools?.length ?? 0) > 0, {
    message: 'a step needs "text", "tool" or "tools"',
  });
export type AgentStep = z.infer<typeof AgentStepSchema>;

/** Steps for the conversations whose cwd or prompt matches `match` (a regular expression). */
export const AgentRuleSchema = z.strictObject({ match: z.string(), steps: z.array(AgentStepSchema) });

export const AgentScriptSchema = z.strictObject({
  /** Step i answers the i-th assistant turn of a conversation. */
  steps: z.array(AgentStepSchema).default([]),
  /** The first rule whose `match` finds the cwd or the prompt wins; otherwise `steps`. */
  rules: z.array(AgentRuleSchema).default([]),
  usage: UsageSchema.optional(),
  /** Used when the system prompt has no `Primary working directory:` line. */
  cwd: z.string().optional(),
});

/** A judge reply: an object is sent as JSON text, a string as is. */
export const JudgeReplySchema = z.union([z.string(), z.record(z.string(), z.unknown())]);
export type JudgeReply = z.infer<typeof JudgeReplySchema>;

export const JudgeRuleSchema = z.strictObject({
  /** Regular expression on the judge's user prompt. */
  match: z.string().optional(),
  /** Exact model id of the request. */
  model: z.string().optional(),
  reply: JudgeReplySchema,
});

export const DEFAULT_JUDGE_REPLY: JudgeReply = {
  score: 0.9,
  passed: true,
  reasoning: 'Scripted judge: the task looks done.',
  criteria_scores: {},
};

export const JudgeScriptSchema = z.strictObject({
  /** The k-th judge call not caught by a rule gets replies[k-1]; then `default`. */
  replies: z.array(JudgeReplySchema).default([]),
  rules: z.array(JudgeRuleSchema).default([]),
  default: JudgeReplySchema.default(DEFAULT_JUDGE_REPLY),
  usage: UsageSchema.optional(),
});

/** Fails (status) and/or delays (delayMs) one request, once. */
export const FaultSchema = z
  .strictObject({
    /** The K-th model request since the script was set (1-based). */
    request: z.number().int().positive().optional(),
    /** With `nth`: the N-th request of this kind. */
    kind: z.enum(['agent', 'judge']).optional(),
    nth: z.number().int().positive().optional(),
    status: z.number().int().min(400).max(599).optional(),
    /** Seconds, sent as the `retry-after` header. */
    retryAfter: z.number().nonnegative().optional(),
    /** Replaces the error message (e.g. a usage-cap text with a reset time). */
    message: z.string().optional(),
    delayMs: z.number().int().nonnegative().optional(),
  })
  .refine((f) => f.request !== undefined || (f.kind !== undefined && f.nth !== undefined), {
    message: 'a fault needs "request" or both "kind" and "nth"',
  })
  .refine((f) => f.status !== undefined || f.delayMs !== undefined, {
    message: 'a fault needs "status" or "delayMs"',
  });
export type Fault = z.infer<typeof FaultSchema>;

/** The JSON-serialisable part of a script (what a script file holds). */
export const ModelScriptSchema = z.strictObject({
  agent: AgentScriptSchema.default({ steps: [], rules: [] }),
  judge: JudgeScriptSchema.default({ replies: [], rules: [], default: DEFAULT_JUDGE_REPLY }),
  faults: z.array(FaultSchema).default([]),
  /** Added to every agent answer. */
  delayMs: z.number().int().nonnegative().default(0),
  /** When given, only these model ids are served: any other gets a 404 `not_found_error` (model validation). */
  models: z.array(z.string().min(1)).optional(),
});
/** A script as written (defaults optional). */
export type ModelScriptData = z.input<typeof ModelScriptSchema>;
/** A script with defaults filled in. */
export type ResolvedScript = z.output<typeof ModelScriptSchema>;

/** What an agent hook sees. */
export interface AgentTurn {
  /** Index of the step to answer: the number of assistant messages already in the conversation. */
  stepIndex: number;
  cwd: string | undefined;
  /** The last text block of the first user message. */
  prompt: string;
  model: string;
  body: Record<string, unknown>;
}

/** What a judge hook sees. */
export interface JudgeCall {
  /** 1-based count of judge requests answered with content since the script was set. */
  nth: number;
  /** The user-side text of the request. */
  prompt: string;
  system: string;
  model: string;
  body: Record<string, unknown>;
}

/** Optional code hooks for tests; returning undefined falls back to the data script. */
export interface ModelHooks {
  agent?: (turn: AgentTurn) => AgentStep | undefined;
  judge?: (call: JudgeCall) => JudgeReply | undefined;
}

/** A script: JSON data, optionally with hooks. */
export type ModelScript = ModelScriptData & { hooks?: ModelHooks };
