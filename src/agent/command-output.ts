// What a generic command agent reports: its last JSON stdout line
// (`{"usage":{...},"cost_usd":0.01,"result":"..."}`) and the verdict on its process (exit code, stderr).
import { z } from 'zod';
import { detectRateLimit } from '../ratelimit/detect.js';
import type { ProcessResult } from '../util/process.js';
import { runCost } from './pricing.js';
import type { AgentReport } from './run-agent-process.js';
import { ZERO_USAGE } from './result.js';
import { verdict } from './verdict.js';

const ReportSchema = z
  .looseObject({
    usage: z
      .looseObject({
        input_tokens: z.number().int().nonnegative().optional(),
        output_tokens: z.number().int().nonnegative().optional(),
        cache_creation_input_tokens: z.number().int().nonnegative().optional(),
        cache_read_input_tokens: z.number().int().nonnegative().optional(),
      })
      .optional(),
    cost_usd: z.number().nonnegative().optional(),
    result: z.string().optional(),
    num_turns: z.number().int().nonnegative().optional(),
  })
  .refine((r) => r.usage !== undefined || r.cost_usd !== undefined);

function lastReport(stdout: string): z.infer<typeof ReportSchema> | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const r = ReportSchema.safeParse(JSON.parse(line.trim()));
      if (r.success) return r.data;
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}

function verdictOf(proc: ProcessResult) {
  if (proc.aborted) return verdict.interrupted();
  if (proc.timedOut) return verdict.timedOut(proc.durationMs);
  if (proc.exitCode === 0) return verdict.completed();
  const rateLimit = detectRateLimit({ exitCode: proc.exitCode, isError: true, stderr: proc.stderr });
  if (rateLimit) return verdict.rateLimited(rateLimit);
  return verdict.agentError(proc.stderr.trim().slice(-500) || `exit code ${proc.exitCode}`);
}

/** The report on a finished command agent: its own numbers when it printed them, else priced by the table. */
export function commandReport(proc: ProcessResult, model: string): AgentReport {
  const rep = lastReport(proc.stdout);
  const usage = rep
    ? {
        inputTokens: rep.usage?.input_tokens ?? 0,
        outputTokens: rep.usage?.output_tokens ?? 0,
        cacheCreationTokens: rep.usage?.cache_creation_input_tokens ?? 0,
        cacheReadTokens: rep.usage?.cache_read_input_tokens ?? 0,
      }
    : { ...ZERO_USAGE };
  return {
    verdict: verdictOf(proc),
    resultText: rep?.result ?? proc.stdout.trim().slice(-4000),
    usage,
    numTurns: rep?.num_turns ?? 0,
    cost: runCost(model, usage, rep?.cost_usd),
  };
}
