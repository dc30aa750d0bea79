// Provenance artefacts of an agent run: prompt.md, command_log.json, replay.sh and MODEL.md (never a secret value).
import { join } from 'node:path';
import { RECORD, writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { isSecretKey, redactEnv } from '../util/env.js';

/** Stands for the prompt argument in logged command lines (the prompt itself is in prompt.md). */
export const PROMPT_MARKER = '$(cat agent/prompt.md)';

/** One executed command, as it was run. */
export interface CommandRecord {
  bin: string;
  /** argv after the binary; `promptIndex` marks the prompt argument, if any. */
  args: readonly string[];
  promptIndex?: number;
  /** What replay.sh feeds on stdin: prompt.md (the agent read its prompt there), /dev/null, or nothing. */
  stdin?: 'prompt' | 'null';
  cwd: string;
  env: NodeJS.ProcessEnv;
  startedAt: Date;
  exitCode: number | null;
  durationMs: number;
}

/** Quote `s` for bash: bare when safe, else single quotes (a `'` becomes `'\''`). */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quote `s` for use inside bash double quotes. */
const dquoteInner = (s: string): string => s.replace(/[\\"$`]/g, (c) => `\\${c}`);

/** `prompt.md`: the exact prompt the agent got. */
export function writePromptFile(agentDir: string, prompt: string): string {
  const file = join(agentDir, 'prompt.md');
  writeFileAtomic(file, prompt, RECORD);
  return file;
}

/** `command_log.json`: the command with the prompt replaced by a marker, env redacted. */
export function writeCommandLog(agentDir: string, rec: CommandRecord): void {
  const command = [rec.bin, ...rec.args.map((a, i) => (i === rec.promptIndex ? PROMPT_MARKER : a))];
  writeJsonAtomic(
    join(agentDir, 'command_log.json'),
    {
      generated_at: new Date().toISOString(),
      commands: [
        {
          timestamp: rec.startedAt.toISOString(),
          command,
          cwd: rec.cwd,
          env_vars: redactEnv(rec.env),
          exit_code: rec.exitCode,
          duration_seconds: Math.round(rec.durationMs) / 1000,
          stdout_file: 'stdout.log',
          stderr_file: 'stderr.log',
        },
      ],
    },
    RECORD,
  );
}

/**
 * `replay.sh`: re-runs the command with the same non-secret environment, in the same directory, with
 * the prompt read from prompt.md. Secrets appear only as commented placeholders to fill in.
 */
export function writeReplayScript(agentDir: string, rec: CommandRecord): void {
  const promptFile = join(agentDir, 'prompt.md');
  const names = Object.keys(rec.env).sort();
  const secrets = names.filter(isSecretKey);
  const lines = [
    '#!/usr/bin/env bash',
    `# Replays the agent command of ${rec.startedAt.toISOString()} (exit ${rec.exitCode}, ${(rec.durationMs / 1000).toFixed(1)} s).`,
    '# Secrets are never stored here: export them before running this script, e.g.',
    ...secrets.map((k) => `# export ${k}=...`),
    'set -euo pipefail',
    'unset CLAUDECODE CLAUDE_CODE_ENTRYPOINT',
    ...names.filter((k) => !isSecretKey(k)).map((k) => `export ${k}=${shellQuote(rec.env[k] ?? '')}`),
    `cd ${shellQuote(rec.cwd)}`,
    // `$(cat)` drops trailing newlines; the sentinel dot keeps the prompt byte-exact.
    ...(rec.promptIndex !== undefined
      ? [`PROMPT="$(cat "${dquoteInner(promptFile)}"; printf .)"`, 'PROMPT="${PROMPT%.}"']
      : []),
    [
      shellQuote(rec.bin),
      ...rec.args.map((a, i) => (i === rec.promptIndex ? '"$PROMPT"' : shellQuote(a))),
      ...(rec.stdin === 'prompt'
        ? [`< ${shellQuote(promptFile)}`]
        : rec.stdin === 'null'
          ? ['< /dev/null']
          : []),
    ].join(' '),
    '',
  ];
  writeFileAtomic(join(agentDir, 'replay.sh'), lines.join('\n'), { mode: 0o755, durable: false });
}

/** What MODEL.md records about the model and the agent's isolation. */
export interface ModelInfo {
  requestedModel: string;
  model: string;
  agent: string;
  versionOutput: string;
  flags: readonly string[];
  isolation: Record<string, string>;
}

/** `MODEL.md`: model, agent version, time, flags, and what was isolated. */
export function writeModelFile(agentDir: string, info: ModelInfo): void {
  const requested = info.requestedModel !== info.model ? ` (requested as \`${info.requestedModel}\`)` : '';
  const text = [
    '# Agent model',
    '',
    `- Model: \`${info.model}\`${requested}`,
    `- Agent: ${info.agent}, version: ${info.versionOutput}`,
    `- Recorded at: ${new Date().toISOString()}`,
    `- Flags: \`${info.flags.map(shellQuote).join(' ')}\``,
    '- Permissions: skipped (`--dangerously-skip-permissions`); the agent ran unattended in its worktree.',
    '',
    '## Isolation',
    '',
    ...Object.entries(info.isolation).map(([k, v]) => `- ${k}: \`${v}\``),
    '',
  ].join('\n');
  writeFileAtomic(join(agentDir, 'MODEL.md'), text, RECORD);
}
