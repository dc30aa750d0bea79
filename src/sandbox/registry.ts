// Sandbox mechanisms by name (`--sandbox bwrap|none`), and which one an experiment gets: `auto`
// takes bubblewrap where it works and otherwise runs unsandboxed, saying so once.
import { SandboxError } from '../errors.js';
import { BWRAP_HINT, bwrapProvider } from './bwrap.js';
import { noneProvider, noSandbox } from './none.js';
import type {
  NetworkMode,
  SandboxKind,
  SandboxMode,
  SandboxPolicy,
  Sandbox,
  SandboxProvider,
} from './sandbox.js';
import { findExecutable } from '../util/which.js';

/** How to get socat (the sandbox side of `network: allowlist`). */
export const SOCAT_HINT = 'install the package socat (Debian/Ubuntu: apt-get install socat)';

/** Every mechanism, by the name used in configs and on the command line. */
export const sandboxProviders: Readonly<Record<SandboxKind, SandboxProvider>> = {
  bwrap: bwrapProvider,
  none: noneProvider,
};

/** The sandbox an experiment's runs get: made per run from the engine's policy. */
export interface SandboxChoice {
  kind: SandboxKind;
  /** What a sandboxed run's network reaches (`open` when not sandboxed: nothing is restricted). */
  network: NetworkMode;
  /** Why runs are not sandboxed (null when they are). */
  reason: string | null;
  /** The sandbox of one policy. */
  create(policy: SandboxPolicy): Sandbox;
}

/**
 * Decide once per experiment, before anything starts. `bwrap` that does not work is a SandboxError
 * naming the package; `auto` falls back to none with the reason (the caller says it once).
 */
export async function chooseSandbox(
  mode: SandboxMode,
  env: NodeJS.ProcessEnv,
  network: NetworkMode = 'open',
): Promise<SandboxChoice> {
  if (mode === 'none') return unsandboxed('--sandbox none');
  const why = await sandboxProviders.bwrap.probe(env);
  if (why === null) {
    // An allowlist that cannot be enforced is never silently dropped.
    if (network === 'allowlist' && !findExecutable('socat', env))
      throw new SandboxError(`network: allowlist needs socat on PATH (${SOCAT_HINT})`);
    const create = (p: SandboxPolicy) => sandboxProviders.bwrap.create(p, env);
    return { kind: 'bwrap', network, reason: null, create };
  }
  if (mode === 'bwrap')
    throw new SandboxError(`--sandbox bwrap: ${why}${why.includes(BWRAP_HINT) ? '' : `; ${BWRAP_HINT}`}`);
  return unsandboxed(why);
}

function unsandboxed(reason: string): SandboxChoice {
  return { kind: 'none', network: 'open', reason, create: () => noSandbox(reason) };
}
