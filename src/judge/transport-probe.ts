// A judge model's check through its own transport: one call with a one-token reply budget.
import type { ModelProbe, ProbeOutcome } from '../agent/model-probe.js';
import { JudgeError, RateLimitError } from '../errors.js';
import { JudgeHttpError } from './http-call.js';
import type { JudgeTransport } from './transport.js';

/** The probe of `model` through `complete` (a rate limit and a judge failure are outcomes, not throws). */
export function completionProbe(
  via: string,
  complete: JudgeTransport['complete'],
  model: string,
): ModelProbe {
  return {
    model,
    via,
    async send(opts): Promise<ProbeOutcome> {
      try {
        await complete({ model, system: 'Reply with one word.', user: 'ping', maxTokens: 1, ...opts });
        return { kind: 'ok' };
      } catch (e) {
        if (e instanceof RateLimitError) return { kind: 'rate_limited', message: e.message };
        if (!(e instanceof JudgeError)) throw e;
        return {
          kind: 'failed',
          status: e instanceof JudgeHttpError ? e.status : undefined,
          message: e.message,
        };
      }
    },
  };
}
