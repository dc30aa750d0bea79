// The real Claude Code CLI for tests: its binary and an isolated, offline environment pointing at a
// scripted model server (see /work/shared/reference/claude-code-cli.md).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of this repo's `node_modules/.bin/claude` (the pinned 2.1.197). */
export const claudeBin = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));

/** A key the scripted server accepts; never a real one. */
export const TEST_API_KEY = 'sk-test-key-not-secret';

export interface ClaudeTestEnvOptions {
  /** The model server's URL, e.g. `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** A temp dir used as HOME; config and temp dirs are created inside it. */
  home: string;
  /** Added last (overrides the defaults). */
  extra?: Record<string, string>;
}

/**
 * A complete child environment (nothing else inherited) for an offline, quiet, isolated CLI run:
 * no telemetry, no update checks, no title-generation request, config in `home/.claude-config`,
 * no retries (a 429 fails at once), and `IS_SANDBOX=1` as root so skip-permissions is accepted.
 */
export function claudeTestEnv(opts: ClaudeTestEnvOptions): NodeJS.ProcessEnv {
  const configDir = join(opts.home, '.claude-config');
  const tmp = join(opts.home, 'tmp');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: opts.home,
    CLAUDE_CONFIG_DIR: configDir,
    CLAUDE_CODE_TMPDIR: tmp,
    ANTHROPIC_BASE_URL: opts.baseUrl,
    ANTHROPIC_API_KEY: TEST_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  };
  // As root, --dangerously-skip-permissions is refused unless IS_SANDBOX is exactly "1".
  if (process.getuid?.() === 0) env.IS_SANDBOX = '1';
  return { ...env, ...opts.extra };
}
