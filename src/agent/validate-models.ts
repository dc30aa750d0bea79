// Model validation before the first run: one tiny request per distinct agent and judge model, so a
// misspelt model fails in a second with the valid aliases instead of after a night of failed runs.
import { ConfigError, JudgeError, RateLimitError } from '../errors.js';
import type { JudgeTransport } from '../judge/transport.js';
import { codexBaseUrl } from './codex-args.js';
import { codexModel } from './codex.js';
import { aliasList, resolveModelAlias } from '../config/model-aliases.js';

/** Options of {@link validateModels}. */
export interface ValidateModelsOptions {
  /** Agent adapter name (`claude-code`, `codex`, `command`). */
  agent: string;
  /** Agent model as configured (alias or full id). */
  agentModel: string;
  /** Judge models with the transport each goes through (what `judgeSlots` returns). */
  judges: readonly { model: string; transport: JudgeTransport }[];
  /** Where the agent's provider key and base URL are read from. */
  env: NodeJS.ProcessEnv;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Notes that are not failures (rate limited, skipped, unreachable for a transient reason). */
  log?: (message: string) => void;
}

/** What one check found. `rate_limited` and `unchecked` are not failures. */
export interface ModelCheck {
  role: 'agent' | 'judge';
  requested: string;
  /** The id that was sent (alias resolved). */
  model: string;
  via: string;
  outcome: 'ok' | 'rate_limited' | 'unchecked';
}

/** Resolved model ids (aliases expanded, defect 17) and what was checked. */
export interface ValidationResult {
  agentModel: string;
  judgeModels: string[];
  checks: ModelCheck[];
}

/** A failed check: HTTP status (when the server answered) and the answer's text. */
class CheckFailure extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND =
  /not_found_error|model_not_found|\bmodel\b[^.]{0,80}\b(?:not found|does not exist|unknown|invalid|not supported|not available)/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|getaddrinfo/;

async function post(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  opts: ValidateModelsOptions,
) {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
    });
  } catch (e) {
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new CheckFailure(
      undefined,
      `${new URL(url).host}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
    );
  }
  const text = (await res.text()).replace(/\s+/g, ' ').slice(0, 300);
  if (res.status === 429 || res.status === 503 || res.status === 529)
    throw new RateLimitError(`HTTP ${res.status}`, { retryAfterMs: 0, source: 'agent' });
  if (!res.ok) throw new CheckFailure(res.status, `HTTP ${res.status}: ${text}`);
}

type Probe = { model: string; via: string; run: () => Promise<void> };

/** One `max_tokens: 1` Messages request with the environment's Anthropic key; a string says why not. */
function anthropicProbe(model: string, opts: ValidateModelsOptions): Probe | string {
  const env = opts.env;
  if (env.CLAUDE_CODE_USE_BEDROCK || env.CLAUDE_CODE_USE_VERTEX)
    return 'Bedrock/Vertex models are not checked';
  const key = env.ANTHROPIC_API_KEY;
  if (!key) return `no ANTHROPIC_API_KEY (user login?): model '${model}' is not checked`;
  const base = (env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com').replace(/\/+$/, '');
  const url = `${base.endsWith('/v1') ? base : `${base}/v1`}/messages`;
  const body = { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] };
  const headers = { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
  return { model, via: 'anthropic', run: () => post(url, headers, body, opts) };
}

/** The agent's own provider, asked directly; a string says why it cannot be checked from here. */
function agentProbe(opts: ValidateModelsOptions): Probe | string {
  const env = opts.env;
  if (opts.agent === 'claude-code') return anthropicProbe(resolveModelAlias(opts.agentModel), opts);
  if (opts.agent === 'codex') {
    const model = codexModel(opts.agentModel);
    const key = env.OPENAI_API_KEY;
    const body = { model, input: 'ping', max_output_tokens: 16, store: false };
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    return {
      model,
      via: 'openai-responses',
      run: () => post(`${codexBaseUrl(env)}/responses`, headers, body, opts),
    };
  }
  return `agent '${opts.agent}': its model is not checked`;
}

function judgeProbe(
  model: string,
  transport: JudgeTransport,
  opts: ValidateModelsOptions,
): () => Promise<void> {
  return async () => {
    try {
      await transport.complete({
        model,
        system: 'Reply with one word.',
        user: 'ping',
        maxTokens: 1,
        timeoutMs: opts.timeoutMs ?? 30_000,
        signal: opts.signal,
      });
    } catch (e) {
      if (e instanceof RateLimitError || !(e instanceof JudgeError)) throw e;
      const status = (e as JudgeError & { status?: number }).status;
      throw new CheckFailure(status, e.message);
    }
  };
}

/** Turn a failed check into a ConfigError, or null when it is no reason to stop (5xx, timeout). */
function toConfigError(f: CheckFailure, c: ModelCheck): ConfigError | null {
  const field = c.role === 'agent' ? 'model' : 'judge model';
  const asked = c.requested === c.model ? `'${c.model}'` : `'${c.requested}' (= '${c.model}')`;
  if (f.status === 404 || (f.status === 400 && NOT_FOUND.test(f.message))) {
    return new ConfigError(
      `${c.role} model ${asked} was not found by the ${c.via} API (${f.message}). Use a full model id or an ` +
        `alias: ${aliasList()}. (--skip-validation skips this check.)`,
      { field },
    );
  }
  if (f.status === 401 || f.status === 403)
    return new ConfigError(`the ${c.via} API refused the key for ${c.role} model ${asked}: ${f.message}`, {
      field,
    });
  if (f.status === undefined && UNREACHABLE.test(f.message))
    return new ConfigError(`cannot reach the ${c.via} API for ${c.role} model ${asked}: ${f.message}`, {
      field,
    });
  return null;
}

/**
 * Check every distinct agent and judge model with one tiny request (max 1 output token) before the
 * first run. A model the API does not know, a rejected key or an unreachable API is a ConfigError
 * listing the aliases; a rate limit or a transient failure is only logged.
 */
export async function validateModels(opts: ValidateModelsOptions): Promise<ValidationResult> {
  const log = opts.log ?? (() => undefined);
  const probes: { check: ModelCheck; run: () => Promise<void> }[] = [];
  const agent = agentProbe(opts);
  const agentModel =
    opts.agent === 'codex' ? codexModel(opts.agentModel) : resolveModelAlias(opts.agentModel);
  const checks: ModelCheck[] = [];
  if (typeof agent === 'string') {
    log(agent);
    checks.push({
      role: 'agent',
      requested: opts.agentModel,
      model: agentModel,
      via: opts.agent,
      outcome: 'unchecked',
    });
  } else {
    probes.push({
      check: { role: 'agent', requested: opts.agentModel, model: agent.model, via: agent.via, outcome: 'ok' },
      run: agent.run,
    });
  }
  const judgeModels = opts.judges.map((j) => resolveModelAlias(j.model));
  opts.judges.forEach((j, i) => {
    // A Claude Code CLI judge would cost a whole agent call: its model is checked on the Messages API.
    const direct = j.transport.name === 'claude-cli' ? anthropicProbe(judgeModels[i], opts) : undefined;
    if (typeof direct === 'string') {
      log(direct);
      checks.push({
        role: 'judge',
        requested: j.model,
        model: judgeModels[i],
        via: j.transport.name,
        outcome: 'unchecked',
      });
      return;
    }
    const check: ModelCheck = {
      role: 'judge',
      requested: j.model,
      model: judgeModels[i],
      via: direct ? direct.via : j.transport.name,
      outcome: 'ok',
    };
    if (!probes.some((p) => p.check.model === check.model && p.check.via === check.via))
      probes.push({ check, run: direct ? direct.run : judgeProbe(check.model, j.transport, opts) });
  });
  for (const { check, run } of probes) {
    try {
      await run();
    } catch (e) {
      if (e instanceof RateLimitError) {
        check.outcome = 'rate_limited';
        log(
          `model check of '${check.model}' (${check.via}) was rate limited (${e.message}): not a failure, skipped`,
        );
      } else if (e instanceof CheckFailure) {
        const err = toConfigError(e, check);
        if (err) throw err;
        check.outcome = 'unchecked';
        log(
          `model check of '${check.model}' (${check.via}) failed for another reason, ignored: ${e.message}`,
        );
      } else throw e;
    }
    checks.push(check);
  }
  return { agentModel, judgeModels, checks };
}
