// The outcome of one agent run (AgentResult): zod schema, and loading it back from agent/result.json on resume.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentOutcomeSchema } from '../outcomes.js';

/** Token counts of a run (summed over its API calls). */
export const AgentUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Tokens written to the prompt cache. */
  cacheCreationTokens: z.number().int().nonnegative(),
  /** Tokens read from the prompt cache. */
  cacheReadTokens: z.number().int().nonnegative(),
});
export type AgentUsage = z.infer<typeof AgentUsageSchema>;

export const ZERO_USAGE: AgentUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationTokens: 0,
  cacheReadTokens: 0,
};

/** A rate limit that ended the run: kind, wait (margin included) and the evidence text. */
export const AgentRateLimitSchema = z.object({
  kind: z.enum(['rate_limit', 'overloaded', 'usage_cap']),
  retryAfterMs: z.number().nonnegative(),
  /** Nothing said how long to wait: the engine applies its own default (`--rate-limit-wait`). */
  estimated: z.boolean().optional(),
  message: z.string(),
});

export const AgentResultSchema = z.object({
  /** How the run ended (data, never re-guessed from text later); `failure` is its name in result.json. */
  failure: AgentOutcomeSchema,
  /** Exit code of the agent process; null when it was killed or never started. */
  exitCode: z.number().int().nullable(),
  /** Wall time of the agent process. */
  durationMs: z.number().nonnegative(),
  /** The agent's final answer. */
  resultText: z.string(),
  usage: AgentUsageSchema,
  /** Assistant turns (API calls of the main conversation). */
  numTurns: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  /** Where costUsd came from: the CLI's own total, our price table, or nowhere (unknown model). */
  costSource: z.enum(['cli', 'price_table', 'none']),
  /** The agent's own error flag (`is_error`), or true when it ended without a clean result. */
  isError: z.boolean(),
  rateLimit: AgentRateLimitSchema.optional(),
  /** Why the run did not complete, for people. */
  errorMessage: z.string().optional(),
  sessionId: z.string().optional(),
  cliVersion: z.string().optional(),
});
export type AgentResult = z.infer<typeof AgentResultSchema>;

/** File name of the persisted result inside the agent artefact directory. */
export const AGENT_RESULT_FILE = 'result.json';

/** The AgentResult persisted in `agentDir`, or null when it is missing, partial or invalid. */
export function loadAgentResult(agentDir: string): AgentResult | null {
  let text: string;
  try {
    text = readFileSync(join(agentDir, AGENT_RESULT_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = AgentResultSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
