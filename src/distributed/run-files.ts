// A run directory's files as payloads: on the worker, what changed since the last payload; on the
// receiving side, putting a payload's files in place (checked to stay inside the run directory).
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { QueueError } from '../errors.js';
import { writeFilesAtomic } from '../util/atomic-write.js';
import type { FileEntry } from './transport.js';

/** The run's worktree is carried as commits (a bundle), never as files. */
const WORKTREE = 'workspace';
/** Never carried, whatever happens: a copy of the user's Claude credentials. */
const NEVER = /(^|\/)\.credentials\.json$/;
/** Only logs: a redone attempt does not need them to go on (the coordinator keeps them). */
const LOGS_ONLY = new Set(['agent/stdout.log', 'agent/stderr.log']);

interface Found {
  path: string;
  abs: string;
  mode: number;
  stamp: string;
}

function walk(runDir: string, rel = '', out: Found[] = []): Found[] {
  let names: string[];
  try {
    names = readdirSync(join(runDir, rel));
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const path = rel ? `${rel}/${name}` : name;
    if (path === WORKTREE || NEVER.test(path)) continue;
    const abs = join(runDir, path);
    const st = lstatSync(abs);
    if (st.isDirectory()) walk(runDir, path, out);
    else if (st.isFile()) out.push({ path, abs, mode: st.mode & 0o777, stamp: `${st.size}:${st.mtimeMs}` });
  }
  return out;
}

/**
 * The files of `runDir` that are new or changed since `seen` (path → size and mtime of what was
 * last carried), and those that disappeared; `seen` is updated. Read at once: a stage has made them
 * durable just before.
 */
export function changedFiles(
  runDir: string,
  seen: Map<string, string>,
): { files: FileEntry[]; deleted: string[] } {
  const now = walk(runDir);
  const files: FileEntry[] = [];
  for (const f of now) {
    if (seen.get(f.path) === f.stamp) continue;
    files.push({ path: f.path, mode: f.mode, data: readFileSync(f.abs) });
    seen.set(f.path, f.stamp);
  }
  const present = new Set(now.map((f) => f.path));
  const deleted = [...seen.keys()].filter((p) => !present.has(p));
  for (const p of deleted) seen.delete(p);
  return { files, deleted };
}

/** What a redone attempt needs of the run directory: every file but the worktree and the logs. */
export function restoreFiles(runDir: string): FileEntry[] {
  return walk(runDir)
    .filter((f) => !LOGS_ONLY.has(f.path))
    .map((f) => ({ path: f.path, mode: f.mode, data: readFileSync(f.abs) }));
}

/** A payload path must name a file inside the run directory and outside its worktree. */
function inside(runDir: string, path: string): string {
  const n = normalize(path);
  if (
    isAbsolute(n) ||
    n === '..' ||
    n.startsWith(`..${sep}`) ||
    n.split(sep)[0] === WORKTREE ||
    NEVER.test(n)
  )
    throw new QueueError(`refusing a payload file outside the run directory: ${JSON.stringify(path)}`);
  return join(runDir, n);
}

/** Put `files` in place in `runDir` (each written atomically) and remove `deleted`. */
export function writeFiles(
  runDir: string,
  files: readonly FileEntry[],
  deleted: readonly string[] = [],
): void {
  // Every file on disk before the store says the stage is done; the directories forced once each.
  writeFilesAtomic(files.map((f) => ({ file: inside(runDir, f.path), data: f.data, mode: f.mode || 0o644 })));
  for (const p of deleted) rmSync(inside(runDir, p), { force: true });
}
