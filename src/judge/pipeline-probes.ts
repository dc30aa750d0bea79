// Questions the pipeline asks a workspace before running a step: is a tool on PATH, are there tests, what does package.json say.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { runProcess, type CommandWrapper } from '../util/process.js';
import { walkTree } from '../util/walk.js';

/** Directories never searched for source or tests (VCS, dependencies, virtualenvs, build output). */
const PRUNE = new Set(['.git', 'node_modules', '__pycache__', 'venv', 'build', 'dist', 'site-packages']);
/** Upper bound of directory entries visited, so a huge repository does not stall the pipeline. */
const MAX_ENTRIES = 50_000;

/** Absolute path of `tool` on the `PATH` of `env`, or null. Decides "not available" before running anything. */
export function which(tool: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** What a walk of the workspace found that matters to the Python pipeline. */
export interface PythonTree {
  /** Number of `.py` files. */
  pyFiles: number;
  /** A `test_*.py` / `*_test.py` file or a `tests/` directory exists. */
  hasTests: boolean;
}

/** Walk the workspace (hidden and dependency directories pruned, like pytest's `norecursedirs`). */
export function scanPython(workspace: string): PythonTree {
  const tree: PythonTree = { pyFiles: 0, hasTests: false };
  walkTree(workspace, MAX_ENTRIES, (e) => {
    if (e.name.startsWith('.') || PRUNE.has(e.name) || e.name.endsWith('.egg-info')) return false;
    if (e.isDirectory()) {
      if (e.name === 'tests') tree.hasTests = true;
      return true;
    }
    if (e.isFile() && e.name.endsWith('.py')) {
      tree.pyFiles++;
      if (/^test_.*\.py$|_test\.py$/.test(e.name)) tree.hasTests = true;
    }
    return false;
  });
  return tree;
}

/** Can `python3` in this environment import the top-level `module`? (A quick probe, not a step.) */
export async function pythonCanImport(
  module: string,
  workspace: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
  sandbox?: CommandWrapper,
): Promise<boolean> {
  // find_spec locates the module without importing it (importing pytest loads every plugin: slow).
  const probe = `import importlib.util, sys; sys.exit(importlib.util.find_spec(${JSON.stringify(module)}) is None)`;
  const r = await runProcess({
    cmd: 'python3',
    args: ['-c', probe],
    cwd: workspace,
    env,
    timeoutMs: 30_000,
    signal,
    sandbox,
  });
  return r.exitCode === 0;
}

/** The parts of package.json the pipeline reads; null when there is none or it is not valid JSON. */
export interface PackageJsonInfo {
  scripts: Record<string, string>;
  hasDependencies: boolean;
}

/** Read `<workspace>/package.json`. */
export function readPackageJson(workspace: string): PackageJsonInfo | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const pkg = raw as Record<string, unknown>;
  const scripts: Record<string, string> = {};
  if (typeof pkg.scripts === 'object' && pkg.scripts !== null) {
    for (const [k, v] of Object.entries(pkg.scripts)) if (typeof v === 'string') scripts[k] = v;
  }
  const nonEmpty = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length > 0;
  return {
    scripts,
    hasDependencies: ['dependencies', 'devDependencies', 'optionalDependencies'].some((k) =>
      nonEmpty(pkg[k]),
    ),
  };
}

/** Does `<workspace>/<rel>` exist? */
export function exists(workspace: string, rel: string): boolean {
  try {
    statSync(join(workspace, rel));
    return true;
  } catch {
    return false;
  }
}
