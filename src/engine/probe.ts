// After a rate-limit pause, one cheap request decides whether everyone resumes: a tiny agent run (or
// judge call) through the same credentials. Still limited → the pause is extended.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RateLimitError } from '../errors.js';
import type { PauseInfo } from '../ratelimit/gate.js';
import type { ExperimentContext } from './context.js';
import { pauseMs } from './rate-limits.js';
import { agentSandbox } from './sandbox-policy.js';

const PROBE_PROMPT = 'Reply with the single word OK.';

/** null = go ahead; a number = still rate limited, wait this many ms more. */
export async function probeRateLimit(ctx: ExperimentContext, pause: PauseInfo): Promise<number | null> {
  ctx.logger.info(`probing ${pause.source} rate limit with one small request`);
  if (pause.source === 'judge') {
    const slot = ctx.judges[0];
    try {
      await slot.transport.complete({
        model: slot.model,
        system: 'Scylla judge probe.',
        user: PROBE_PROMPT,
        timeoutMs: 60_000,
        maxTokens: 8,
      });
      return null;
    } catch (e) {
      return e instanceof RateLimitError ? pauseMs(e, ctx.config) : null;
    }
  }
  const dir = join(ctx.expDir, '.probe');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'workspace'), { recursive: true });
  try {
    const r = await ctx.adapter.run({
      workspace: join(dir, 'workspace'),
      prompt: PROBE_PROMPT,
      model: ctx.config.model,
      timeoutMs: 120_000,
      agentDir: join(dir, 'agent'),
      configDir: join(dir, 'agent', 'config'),
      baseEnv: ctx.env,
      maxTurns: 1,
      tools: { mode: 'none', names: [] },
      signal: ctx.hardStop,
      sandbox: agentSandbox(ctx.sandbox, dir),
    });
    if (r.failure !== 'rate_limited') return null;
    return pauseMs(r.rateLimit, ctx.config);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
