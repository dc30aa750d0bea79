// Re-runnable bash scripts of the pipeline: one per step (`NN-name.sh`) and `run_all.sh`, written atomically, mode 0755.
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { scriptExports } from './pipeline-env.js';

/** Step scripts and their output logs (`01-pytest.sh`, `01-pytest.log`). */
const STEP_FILE = /^\d{2,}-[A-Za-z0-9._-]+\.(sh|log)$/;

/** `'it''s'` for bash: single quotes, embedded quotes closed and escaped. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** File name of step `index` (0-based): `01-pytest.sh`. */
export function stepScriptName(index: number, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'step';
  return `${String(index + 1).padStart(2, '0')}-${safe}.sh`;
}

/** The output log next to a step script: `01-pytest.log`. */
export function stepLogName(scriptFile: string): string {
  return scriptFile.replace(/\.sh$/, '.log');
}

/** The text of one step script: strict bash, cd to the absolute workspace, the cache settings, the command. */
export function stepScript(name: string, command: string, workspace: string): string {
  return [
    '#!/usr/bin/env bash',
    `# Scylla pipeline step "${name.replace(/[\r\n]/g, ' ')}". Re-run it with: bash <this file>`,
    'set -euo pipefail',
    `cd ${shellQuote(workspace)}`,
    ...scriptExports(),
    command.trimEnd(),
    '',
  ].join('\n');
}

function writeExecutable(file: string, text: string): void {
  writeFileAtomic(file, text, { mode: 0o755, durable: false });
  chmodSync(file, 0o755); // the umask may have narrowed the mode given at creation
}

/** Write the script of one step; returns its absolute path. */
export function writeStepScript(
  dir: string,
  file: string,
  name: string,
  command: string,
  workspace: string,
): string {
  const p = join(dir, file);
  writeExecutable(p, stepScript(name, command, workspace));
  return p;
}

/** The text of `run_all.sh`: every step in order with banners, not stopping at a failure; exits 1 if any failed. */
export function runAllScript(files: readonly string[]): string {
  return [
    '#!/usr/bin/env bash',
    '# Runs every Scylla pipeline step in order; does not stop at the first failure.',
    'set -uo pipefail',
    'here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
    'failed=0',
    'run_step() {',
    '  echo "===== $1 ====="',
    '  bash "$here/$1"',
    '  local rc=$?',
    '  echo "===== $1: exit $rc ====="',
    '  if [ "$rc" -ne 0 ]; then failed=$((failed + 1)); fi',
    '}',
    ...files.map((f) => `run_step ${shellQuote(f)}`),
    'echo "===== ${failed} step(s) failed ====="',
    '[ "$failed" -eq 0 ]',
    '',
  ].join('\n');
}

/** Write `run_all.sh` and remove step scripts and logs of an earlier attempt that are not in `files`. */
export function writeRunAll(dir: string, files: readonly string[]): string {
  const keep = new Set(files.flatMap((f) => [f, stepLogName(f)]));
  for (const f of readdirSync(dir))
    if (STEP_FILE.test(f) && !keep.has(f)) rmSync(join(dir, f), { force: true });
  const p = join(dir, 'run_all.sh');
  writeExecutable(p, runAllScript(files));
  return p;
}
