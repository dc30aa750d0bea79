// The tool installations a sandboxed run needs read-only: what PATH and the toolchain variables
// point at (a pyenv Python under HOME, Scylla's own node_modules, ~/.cargo with ~/.rustup), and the
// installation an executable lives in. Bound whole, so shims and their versions keep working.
import { existsSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { isWithin, SYSTEM_DIRS } from './mounts.js';

/** Toolchain variables whose directories a tool may read (pyenv shims read PYENV_ROOT, ...). */
export const TOOLCHAIN_VARS: readonly string[] = [
  'PYENV_ROOT',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'NVM_DIR',
  'VOLTA_HOME',
  'BUN_INSTALL',
  'DENO_INSTALL',
  'JAVA_HOME',
  'GOROOT',
  'GOPATH',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'MODULAR_HOME',
  'PIXI_HOME',
  'UV_PYTHON_INSTALL_DIR',
];

/** Directories that go with another one (rustup's proxies in ~/.cargo/bin need ~/.rustup). */
const COMPANIONS: Readonly<Record<string, string>> = { '.cargo': '.rustup' };

/**
 * The installation directory `path` belongs to, bound as a whole: the outermost `node_modules`
 * above it; under a home directory its top directory (`~/.pyenv`); else its directory, or the
 * parent of a `bin`/`sbin` directory (`/opt/python/bin/python3` → `/opt/python`). Never a home or
 * `/` itself. `homes`: HOME and the user's home from the password database (they differ in tests).
 */
export function installRoot(path: string, homes: readonly string[]): string {
  const parts = path.split(sep);
  const nm = parts.indexOf('node_modules');
  if (nm > 0) return parts.slice(0, nm + 1).join(sep);
  const home = homes.find((h) => h !== sep && isWithin(path, h) && path !== h);
  if (home) return join(home, relative(home, path).split(sep)[0]);
  const dir = dirname(path);
  const up = basename(dir) === 'bin' || basename(dir) === 'sbin' ? dirname(dir) : dir;
  return up === sep || homes.includes(up) ? dir : up;
}

const inSystem = (p: string) => SYSTEM_DIRS.some((d) => isWithin(p, d));

function real(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** Read-only directories for the tools on `env.PATH` and in the toolchain variables (existing ones, deduplicated). */
export function toolRoots(env: NodeJS.ProcessEnv, homes: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (root: string) => {
    if (root === sep || homes.includes(root) || inSystem(root) || !existsSync(root)) return;
    out.add(root);
    const home = dirname(root);
    const companion = homes.includes(home) ? COMPANIONS[basename(root)] : undefined;
    if (companion && existsSync(join(home, companion))) out.add(join(home, companion));
  };
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => isAbsolute(d));
  for (const d of dirs) add(installRoot(join(d, 'x'), homes));
  for (const v of TOOLCHAIN_VARS) {
    const p = env[v];
    if (p && isAbsolute(p)) add(homes.some((h) => isWithin(p, h)) ? installRoot(p, homes) : p);
  }
  // A PATH entry through a symlink (a worktree's node_modules -> the main checkout's) is bound as
  // given; what it points at must exist inside too when something resolves it.
  for (const p of [...out]) {
    const r = real(p);
    if (r && r !== p && !inSystem(r)) out.add(r);
  }
  return [...out].sort();
}

/** Read-only directories an executable needs: its installation, through symlinks as well. */
export function executableRoots(exe: string, homes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of [exe, real(exe)])
    if (p && !inSystem(p)) {
      const root = installRoot(p, homes);
      if (!homes.includes(root) && root !== sep) out.add(root);
    }
  return [...out];
}
