// Isolation of agent runs from the user's own Claude setup: instruction files in parent directories of
// the results directory, and the user's credential file copied into a run's config dir on request.
import { chmodSync, copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AgentError, ConfigError } from '../errors.js';

/**
 * Instruction files Claude Code reads from **every** parent directory of its cwd, outside git too
 * (observed with 2.1.197: all of these reached the model; `~/.claude/CLAUDE.md` is among them whenever
 * the cwd is below the home directory, even with CLAUDE_CONFIG_DIR and HOME pointing elsewhere).
 */
export const PARENT_INSTRUCTION_FILES: readonly string[] = [
  'CLAUDE.md',
  'CLAUDE.local.md',
  '.claude/CLAUDE.md',
];
/** Directory of rule files (`*.md`) read from every parent directory as well. */
export const PARENT_RULES_DIR = '.claude/rules';

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function rulesIn(dir: string): string | null {
  const rules = join(dir, PARENT_RULES_DIR);
  try {
    const md = readdirSync(rules)
      .filter((f) => f.endsWith('.md'))
      .sort();
    return md.map((f) => join(rules, f)).find(isFile) ?? null;
  } catch {
    return null;
  }
}

/**
 * The first instruction file Claude Code would load from `dir` or one of its parents up to `/`
 * (`CLAUDE.md`, `CLAUDE.local.md`, `.claude/CLAUDE.md`, `.claude/rules/*.md`), or null. Agent
 * worktrees live below the results directory, so any such file would reach every run of every tier.
 */
export function findParentClaudeMd(dir: string): string | null {
  let d = resolve(dir);
  for (;;) {
    for (const name of PARENT_INSTRUCTION_FILES) if (isFile(join(d, name))) return join(d, name);
    const rule = rulesIn(d);
    if (rule) return rule;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/**
 * Refuse to run agents below `dir` when a parent holds an instruction file: it would leak into every
 * tier (T0/00 would not be empty). Throws a ConfigError naming the file and how to fix it.
 */
export function assertNoParentClaudeMd(dir: string): void {
  const leak = findParentClaudeMd(dir);
  if (!leak) return;
  const home = homedir();
  const underHome = resolve(dir).startsWith(`${home}/`) && leak.startsWith(join(home, '.claude'));
  throw new ConfigError(
    `${leak} would be read by the agent in every run: Claude Code loads CLAUDE.md, CLAUDE.local.md, ` +
      '.claude/CLAUDE.md and .claude/rules/*.md from every parent directory of its working directory, ' +
      `and the run worktrees live below ${resolve(dir)}. ` +
      (underHome
        ? 'Your personal ~/.claude instructions count as such a parent file because the results directory is inside your home. '
        : '') +
      'Move the results directory (--results-dir) to a place with no such file above it, or move that file away.',
    { file: leak },
  );
}

/** The user's Claude Code credential file (what `claude login` writes). */
export function userCredentialFile(env: NodeJS.ProcessEnv): string {
  return join(env.HOME ?? homedir(), '.claude', '.credentials.json');
}

/**
 * `--use-user-auth`: copy the user's credential file, and nothing else of `~/.claude`, into the run's
 * config dir, read-only. Returns the copy's path. A missing file is an AgentError naming it.
 */
export function copyUserCredentials(configDir: string, env: NodeJS.ProcessEnv): string {
  const src = userCredentialFile(env);
  if (!existsSync(src)) {
    throw new AgentError(
      `--use-user-auth: no credential file at ${src} (log in with \`claude\` first, or use an API key)`,
    );
  }
  const dest = join(configDir, '.credentials.json');
  if (existsSync(dest)) chmodSync(dest, 0o600);
  copyFileSync(src, dest);
  chmodSync(dest, 0o400);
  return dest;
}

/**
 * Alternative to refusing: `claudeMdExcludes` patterns (for `$CLAUDE_CONFIG_DIR/settings.json`) that
 * keep every parent instruction file of `workspace` away from the model while the workspace's own
 * files still load (verified with 2.1.197).
 */
export function parentClaudeMdExcludes(workspace: string): string[] {
  const out: string[] = [];
  let d = dirname(resolve(workspace));
  for (;;) {
    const base = d === '/' ? '' : d;
    out.push(...PARENT_INSTRUCTION_FILES.map((f) => `${base}/${f}`), `${base}/${PARENT_RULES_DIR}/**`);
    const up = dirname(d);
    if (up === d) return out;
    d = up;
  }
}

/** What MODEL.md records about a Claude Code run's isolation beyond its directories. */
export function claudeIsolationNotes(workspace: string, useUserAuth: boolean): Record<string, string> {
  const parent = findParentClaudeMd(dirname(resolve(workspace)));
  return {
    credentials: useUserAuth
      ? "the user's ~/.claude/.credentials.json, copied read-only into CLAUDE_CONFIG_DIR and removed after the run"
      : 'API key from the environment (never written to artefacts)',
    "user's ~/.claude (CLAUDE.md, skills, agents, settings, MCP)":
      'not read: CLAUDE_CONFIG_DIR and HOME are per run',
    'parent instruction files above the workspace': parent ?? 'none',
  };
}
