// A run's record of its sandbox, next to what the agent adapter wrote: `agent/sandbox.json`, a
// "Sandbox" section in MODEL.md, and replay.sh's command put back inside the same sandbox.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { shellQuote } from '../agent/provenance.js';
import type { Sandbox, SandboxRecord } from '../sandbox/sandbox.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';

/** Name of the record inside a run's `agent/` directory. */
export const SANDBOX_FILE = 'sandbox.json';

const RecordSchema = z.object({
  kind: z.enum(['bwrap', 'none']),
  reason: z.string().optional(),
  network: z.string(),
  writable: z.array(z.string()),
  readOnly: z.array(z.string()),
  hidden: z.array(z.string()),
});

/** The agent command as command_log.json has it (its first command's executable and cwd). */
function loggedCommand(agentDir: string): { bin: string; cwd: string } | null {
  try {
    const log = JSON.parse(readFileSync(join(agentDir, 'command_log.json'), 'utf8')) as {
      commands?: { command?: string[]; cwd?: string }[];
    };
    const c = log.commands?.[0];
    return c?.command?.[0] && c.cwd ? { bin: c.command[0], cwd: c.cwd } : null;
  } catch {
    return null;
  }
}

/**
 * Record the sandbox the agent ran in. replay.sh's last line (the command) gets the same
 * `bwrap ... --` in front, so replaying it sees what the run saw. Idempotent for replay.sh.
 */
export function recordAgentSandbox(
  agentDir: string,
  sandbox: Sandbox,
  env: NodeJS.ProcessEnv,
): SandboxRecord {
  const done = loadSandboxRecord(agentDir);
  if (done) return done;
  const rec = sandbox.describe();
  const cmd = loggedCommand(agentDir);
  const prefix = cmd ? sandbox.replayPrefix({ cmd: cmd.bin, args: [], cwd: cmd.cwd, env }) : [];
  const replay = join(agentDir, 'replay.sh');
  if (prefix.length && existsSync(replay)) {
    const lines = readFileSync(replay, 'utf8').trimEnd().split('\n');
    const quoted = prefix.map(shellQuote).join(' ');
    if (!lines[lines.length - 1].startsWith(quoted)) {
      lines.splice(
        lines.length - 1,
        0,
        '# The agent ran inside this bubblewrap sandbox (see sandbox.json); so does the replay.',
      );
      lines[lines.length - 1] = `${quoted} ${lines[lines.length - 1]}`;
      writeFileAtomic(replay, `${lines.join('\n')}\n`, 0o755);
    }
  }
  const model = join(agentDir, 'MODEL.md');
  if (existsSync(model)) appendFileSync(model, sandboxSection(rec));
  // Last: its presence says the other two are done.
  writeJsonAtomic(join(agentDir, SANDBOX_FILE), { ...rec, command_prefix: prefix });
  return rec;
}

/** MODEL.md's "Sandbox" section. */
function sandboxSection(r: SandboxRecord): string {
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : 'none');
  const lines =
    r.kind === 'none'
      ? ['- **Not sandboxed**: ' + (r.reason ?? 'no sandbox'), '- Network: unrestricted']
      : [
          '- Mechanism: bubblewrap (own user, pid, ipc, uts, cgroup and mount namespaces; no capabilities)',
          `- Read-write: ${list(r.writable)}, a private \`/tmp\``,
          `- Read-only: ${list(r.readOnly)}`,
          `- Hidden (empty inside): ${list(r.hidden)}`,
          `- Network: ${r.network} (the machine's network is shared; nothing is filtered)`,
        ];
  return ['', '## Sandbox', '', ...lines, ''].join('\n');
}

/** The sandbox record of a run's agent, or null when the run has none (an older run). */
export function loadSandboxRecord(agentDir: string): SandboxRecord | null {
  try {
    const r = RecordSchema.safeParse(JSON.parse(readFileSync(join(agentDir, SANDBOX_FILE), 'utf8')));
    return r.success ? (r.data as SandboxRecord) : null;
  } catch {
    return null;
  }
}
