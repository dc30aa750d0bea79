// One transcript, whatever the agent: the events the run page shows (text, thinking, tool calls
// with their input, tool results, tokens and cost per turn, sub-agent and skill use), as zod types.
// Long fields are cut at FIELD_MAX; the raw file keeps everything.
import { z } from 'zod';

/** Longest text kept in one field of an event (the raw stdout.log has the rest). */
export const FIELD_MAX = 16 * 1024;

export const TokenUsageSchema = z.object({
  input: z.number(),
  output: z.number(),
  cacheRead: z.number(),
  cacheCreation: z.number(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

const base = {
  /** Byte offset of the line in stdout.log: the event's stable id. */
  at: z.number(),
  /** The tool call (a sub-agent's Task) this event belongs to; null in the main conversation. */
  parent: z.string().nullable(),
};

/** What a tool call is, for display. */
export const ToolRoleSchema = z.enum(['tool', 'subagent', 'skill', 'mcp']);

export const TranscriptEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('init'),
    ...base,
    model: z.string().nullable(),
    version: z.string().nullable(),
    cwd: z.string().nullable(),
    tools: z.array(z.string()),
    mcpServers: z.array(z.string()),
    agents: z.array(z.string()),
    skills: z.array(z.string()),
  }),
  z.object({
    kind: z.enum(['text', 'thinking', 'user', 'note']),
    ...base,
    messageId: z.string().nullable(),
    text: z.string(),
    truncated: z.boolean(),
  }),
  z.object({
    kind: z.literal('tool_use'),
    ...base,
    messageId: z.string().nullable(),
    id: z.string(),
    name: z.string(),
    role: ToolRoleSchema,
    /** One line saying what the call does (the command, the file, the sub-agent). */
    label: z.string(),
    /** The input as pretty JSON. */
    input: z.string(),
    truncated: z.boolean(),
  }),
  z.object({
    kind: z.literal('tool_result'),
    ...base,
    toolUseId: z.string(),
    text: z.string(),
    isError: z.boolean(),
    truncated: z.boolean(),
  }),
  z.object({
    kind: z.literal('usage'),
    ...base,
    /** The API message (turn) these tokens belong to; a turn may report its usage more than once. */
    messageId: z.string().nullable(),
    model: z.string().nullable(),
    usage: TokenUsageSchema,
    /** This turn's share of the run's cost, weighted by token prices (null: the run's cost is unknown). */
    costUsd: z.number().nullable(),
  }),
  z.object({
    kind: z.literal('result'),
    ...base,
    isError: z.boolean(),
    subtype: z.string().nullable(),
    numTurns: z.number().nullable(),
    durationMs: z.number().nullable(),
    costUsd: z.number().nullable(),
    usage: TokenUsageSchema.nullable(),
    text: z.string(),
  }),
]);
export type TranscriptEvent = z.infer<typeof TranscriptEventSchema>;

/** Cut `s` at FIELD_MAX. */
export function cut(s: string): { text: string; truncated: boolean } {
  return s.length > FIELD_MAX
    ? { text: s.slice(0, FIELD_MAX), truncated: true }
    : { text: s, truncated: false };
}

/**
 * Relative price of each kind of token (input = 1): the ratios of the Anthropic and OpenAI price
 * lists (output 5×, cache write 1.25×, cache read 0.1×). A turn's share of the run's reported cost
 * is its weighted tokens over the run's; exact when every turn used one model.
 */
export function tokenWeight(u: TokenUsage): number {
  return u.input + 5 * u.output + 1.25 * u.cacheCreation + 0.1 * u.cacheRead;
}

/** What a normaliser needs to know about the whole run. */
export interface RunCostBasis {
  /** USD per unit of tokenWeight (null: the run's cost or tokens are unknown). */
  usdPerWeight: number | null;
}
