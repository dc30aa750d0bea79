// The environment of pipeline steps: an allow-list of the caller's variables (never API keys) plus cache-suppressing settings.
import { buildChildEnv, isSecretKey } from '../util/env.js';

/** Variables steps inherit: locale, home, temp dir and where tool chains live. Nothing that carries a credential. */
const ALLOW = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'LC_*',
  'TZ',
  'TMPDIR',
  'PYENV_ROOT',
  'PYENV_VERSION',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'NVM_DIR',
  'JAVA_HOME',
  'GOPATH',
  'GOROOT',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'MODULAR_HOME',
] as const;

/**
 * Settings every step gets and every saved script exports: tools must not leave caches in the worktree
 * (bytecode, ruff), must not wait for a terminal (CI), and should print plain text for the judge.
 */
export const STEP_SETTINGS: Readonly<Record<string, string>> = {
  PYTHONDONTWRITEBYTECODE: '1',
  RUFF_NO_CACHE: 'true',
  CI: '1',
  NO_COLOR: '1',
  PY_COLORS: '0',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

/** The step environment: allowed variables of `base`, the step settings and the bytecode prefix (outside the worktree). */
export function stepEnv(base: NodeJS.ProcessEnv, pycachePrefix: string): NodeJS.ProcessEnv {
  const env = buildChildEnv(base, ALLOW, { ...STEP_SETTINGS, PYTHONPYCACHEPREFIX: pycachePrefix });
  for (const k of Object.keys(env)) if (isSecretKey(k)) delete env[k];
  return env;
}

/** The `export` lines of a saved script; a re-run outside Scylla gets its own bytecode prefix in a temp dir. */
export function scriptExports(): string[] {
  return [
    'export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-$(mktemp -d)}"',
    ...Object.entries(STEP_SETTINGS).map(([k, v]) => `export ${k}=${v}`),
  ];
}
