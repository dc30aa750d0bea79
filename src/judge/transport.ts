// The JudgeTransport interface: one LLM call, system + user → text (implementations: see transports.ts).
import type { ModelProbe } from '../agent/model-probe.js';
import type { CommandWrapper } from '../util/process.js';

/** One judge call. */
export interface JudgeRequest {
  model: string;
  system: string;
  user: string;
  /** Limit for this one call; the call fails with a JudgeError when it is exceeded. */
  timeoutMs: number;
  /** Aborting (e.g. on shutdown) makes the call fail with an InterruptedError. */
  signal?: AbortSignal;
  /** Upper bound on the reply length (default per transport). */
  maxTokens?: number;
}

/** Token counts of one call. */
export interface JudgeUsage {
  inputTokens: number;
  outputTokens: number;
}

/** The reply of one judge call. */
export interface JudgeResponse {
  /** The model's text reply. */
  text: string;
  usage: JudgeUsage;
  /** Model id the API says answered. */
  model: string;
  durationMs: number;
}

/**
 * A way to ask a judge model. Rate limits throw RateLimitError (the caller's gate waits); every other
 * failure throws JudgeError (never a result); no retries inside.
 */
export interface JudgeTransport {
  readonly name: string;
  complete(req: JudgeRequest): Promise<JudgeResponse>;
  /** The check of `model` (resolved) before the first run: one tiny request, or why it cannot be checked. */
  probeModel(model: string): ModelProbe;
}

/** Options of every transport factory; anything not given is read from `env` (default `process.env`). */
export interface TransportOptions {
  baseUrl?: string;
  apiKey?: string;
  env?: NodeJS.ProcessEnv;
  /** A judge that starts a process (the Claude Code CLI) starts it inside this sandbox. */
  sandbox?: CommandWrapper;
}
