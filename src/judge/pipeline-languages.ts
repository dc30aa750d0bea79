// The build/lint/test steps of each language, and `pipelineFor`, which lets test.yaml's `pipeline:` replace them.
import type { CommandWrapper } from '../util/process.js';
import { exists, pythonCanImport, readPackageJson, scanPython } from './pipeline-probes.js';

/** What a step's checks see, just before the step would run (after the steps before it ran). */
export interface StepContext {
  /** Absolute path of the workspace. */
  workspace: string;
  /** The step environment (sanitised, cache variables set). */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The run's sandbox: probes that start a process run inside it too. */
  sandbox?: CommandWrapper;
}

/** Whether a step applies: run (optionally with a command chosen from the workspace), or why it is skipped. */
export type StepDecision =
  { run: true; command?: string } | { run: false; status: 'skipped'; reason: string };

/** A step to run: the plan, before it ran. */
export interface StepSpec {
  /** Unique within the pipeline; also names the saved script. */
  name: string;
  /** Shell text run by bash in the workspace. */
  command: string;
  /** Per-step timeout; `runPipeline`'s `timeoutMs` wins when given. */
  timeoutMs?: number;
  /** First check: does the step apply to this workspace (no tests → `skipped`)? */
  applies?: (ctx: StepContext) => StepDecision;
  /** Second check: executables that must be on PATH; a missing one makes the step `not_available`. */
  requires?: readonly string[];
  /** Third check, with the tools present: why the step cannot run (→ `not_available`), or null. */
  available?: (ctx: StepContext) => Promise<string | null> | string | null;
  /** Exit codes that mean "nothing to do" (`skipped`) rather than failure, e.g. pytest's 5 (no tests collected). */
  skipExitCodes?: readonly number[];
}

const RUN: StepDecision = { run: true };
const skip = (reason: string): StepDecision => ({ run: false, status: 'skipped', reason });

/** Hidden directories, dependencies and virtualenvs are not the project's code. */
const COMPILEALL_EXCLUDE = String.raw`/\.|/node_modules/|/venv/|/site-packages/`;

const PYTHON: StepSpec[] = [
  {
    name: 'compileall',
    command: `python3 -m compileall -q -x '${COMPILEALL_EXCLUDE}' .`,
    requires: ['python3'],
    applies: (ctx) => (scanPython(ctx.workspace).pyFiles > 0 ? RUN : skip('no Python files')),
  },
  { name: 'ruff', command: 'ruff check --no-cache .', requires: ['ruff'] },
  {
    name: 'pytest',
    command: 'python3 -m pytest -q -p no:cacheprovider',
    requires: ['python3'],
    skipExitCodes: [5],
    applies: (ctx) =>
      scanPython(ctx.workspace).hasTests ? RUN : skip('no tests (test_*.py, *_test.py or tests/)'),
    available: async (ctx) =>
      (await pythonCanImport('pytest', ctx.workspace, ctx.env, ctx.signal, ctx.sandbox))
        ? null
        : 'not available: pytest is not importable by python3',
  },
];

/** The npm placeholder test script of `npm init`, which always fails. */
const NPM_INIT_TEST = /no test specified/;

const NPM_INSTALL: StepSpec = {
  name: 'install',
  command: 'npm ci --no-audit --no-fund',
  requires: ['npm'],
  applies: (ctx) => {
    const pkg = readPackageJson(ctx.workspace);
    if (!pkg) return skip('no package.json');
    if (exists(ctx.workspace, 'package-lock.json') || exists(ctx.workspace, 'npm-shrinkwrap.json'))
      return RUN;
    if (!pkg.hasDependencies) return skip('package.json declares no dependencies');
    // Without a lockfile versions float; --no-package-lock keeps npm from writing one into the workspace.
    return { run: true, command: 'npm install --no-package-lock --no-audit --no-fund' };
  },
};

const TSC: StepSpec = {
  name: 'tsc',
  // --no: never download a package named "tsc" when TypeScript is not installed.
  command: 'npx --no tsc --noEmit',
  requires: ['npx'],
  applies: (ctx) => (exists(ctx.workspace, 'tsconfig.json') ? RUN : skip('no tsconfig.json')),
  available: (ctx) =>
    exists(ctx.workspace, 'node_modules/.bin/tsc')
      ? null
      : 'not available: TypeScript is not installed in the workspace (node_modules/.bin/tsc)',
};

const NPM_TEST: StepSpec = {
  name: 'npm-test',
  command: 'npm test',
  requires: ['npm'],
  applies: (ctx) => {
    const test = readPackageJson(ctx.workspace)?.scripts.test;
    return test && !NPM_INIT_TEST.test(test) ? RUN : skip('no test script in package.json');
  },
};

const MOJO: StepSpec[] = [
  { name: 'mojo-build', command: 'mojo build .', requires: ['mojo'], timeoutMs: 300_000 },
  { name: 'mojo-format', command: 'mojo format --check .', requires: ['mojo'], timeoutMs: 120_000 },
  { name: 'mojo-test', command: 'mojo test', requires: ['mojo'], timeoutMs: 600_000 },
  {
    name: 'pre-commit',
    command: 'pre-commit run --all-files',
    requires: ['pre-commit'],
    timeoutMs: 300_000,
    applies: (ctx) =>
      exists(ctx.workspace, '.pre-commit-config.yaml') ? RUN : skip('no .pre-commit-config.yaml'),
  },
];

const BY_LANGUAGE: Record<string, readonly StepSpec[]> = {
  python: PYTHON,
  typescript: [NPM_INSTALL, TSC, NPM_TEST],
  javascript: [NPM_INSTALL, NPM_TEST],
  mojo: MOJO,
};

const ALIASES: Record<string, string> = {
  py: 'python',
  ts: 'typescript',
  js: 'javascript',
  node: 'javascript',
};

/** The canonical language name (`Python` → `python`, `ts` → `typescript`). */
export function normaliseLanguage(language: string): string {
  const l = language.trim().toLowerCase();
  return ALIASES[l] ?? l;
}

/**
 * The steps for a workspace of `language`. Declared `pipeline:` commands from test.yaml replace the
 * language default entirely (an empty list means "no pipeline"); a language without a default has no
 * steps. Duplicate declared names get a numeric suffix so each step has its own script.
 */
export function pipelineFor(
  language: string,
  declared?: readonly { name: string; run: string }[],
): StepSpec[] {
  if (declared) {
    const used = new Set<string>();
    return declared.map((d) => {
      let name = d.name;
      for (let i = 2; used.has(name); i++) name = `${d.name}-${i}`;
      used.add(name);
      return { name, command: d.run };
    });
  }
  return [...(BY_LANGUAGE[normaliseLanguage(language)] ?? [])];
}
