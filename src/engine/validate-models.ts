// Model validation before the first run: one tiny request per distinct agent and judge model, so a
// misspelt model fails in a second with the valid aliases instead of after a night of failed runs.
// The agent adapter and each judge transport say how their model is checked (probeModel).
import type { AgentAdapter } from '../agent/adapter.js';
import type { ModelProbe } from '../agent/model-probe.js';
import { aliasList, resolveModelAlias } from '../config/model-aliases.js';
import { ConfigError } from '../errors.js';
import type { JudgeTransport } from '../judge/transport.js';

/** Options of {@link validateModels}. */
export interface ValidateModelsOptions {
  /** The experiment's agent. */
  adapter: AgentAdapter;
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

const NOT_FOUND =
  /not_found_error|model_not_found|\bmodel\b[^.]{0,80}\b(?:not found|does not exist|unknown|invalid|not supported|not available)/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|getaddrinfo/;

/** Turn a failed check into a ConfigError, or null when it is no reason to stop (5xx, timeout). */
function toConfigError(f: { status?: number; message: string }, c: ModelCheck): ConfigError | null {
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

/** A check's start: what is sent where, not yet done. */
const of = (p: ModelProbe) => ({ model: p.model, via: p.via, outcome: 'ok' as const });

/**
 * Check every distinct agent and judge model with one tiny request (max 1 output token) before the
 * first run. A model the API does not know, a rejected key or an unreachable API is a ConfigError
 * listing the aliases; a rate limit or a transient failure is only logged.
 */
export async function validateModels(opts: ValidateModelsOptions): Promise<ValidationResult> {
  const log = opts.log ?? (() => undefined);
  const agent = opts.adapter.probeModel(opts.agentModel, opts.env);
  const planned: { check: ModelCheck; probe: ModelProbe }[] = [
    { check: { role: 'agent', requested: opts.agentModel, ...of(agent) }, probe: agent },
  ];
  const judgeModels = opts.judges.map((j) => resolveModelAlias(j.model));
  opts.judges.forEach((j, i) => {
    const probe = j.transport.probeModel(judgeModels[i]);
    // One request per model and API: a judge on the agent's model (or another judge's) is checked once.
    const twin = planned.find(
      (p) => 'send' in p.probe && p.check.model === probe.model && p.check.via === probe.via,
    );
    if ('send' in probe && twin) return;
    planned.push({ check: { role: 'judge', requested: j.model, ...of(probe) }, probe });
  });
  for (const { check, probe } of planned) {
    if ('unchecked' in probe) {
      check.outcome = 'unchecked';
      log(probe.unchecked);
      continue;
    }
    const r = await probe.send({ timeoutMs: opts.timeoutMs ?? 30_000, signal: opts.signal });
    if (r.kind === 'rate_limited') {
      check.outcome = 'rate_limited';
      log(
        `model check of '${check.model}' (${check.via}) was rate limited (${r.message}): not a failure, skipped`,
      );
    } else if (r.kind === 'failed') {
      const err = toConfigError(r, check);
      if (err) throw err;
      check.outcome = 'unchecked';
      log(`model check of '${check.model}' (${check.via}) failed for another reason, ignored: ${r.message}`);
    }
  }
  return { agentModel: agent.model, judgeModels, checks: planned.map((p) => p.check) };
}
