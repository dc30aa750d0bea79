// Files of an experiment directory, read safely: every path is resolved inside the experiment
// (after symlinks), credentials are never served, and text is read with a size cap.
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { runDirName } from '../store/run-key.js';
import { parseJsonOrNull } from '../util/json.js';
import { SANDBOX_CSP } from './access.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { HttpError, type Reply } from './router.js';

/** Tier and subtest ids as they appear in directory names. */
const ID = /^[\w][\w.-]*$/;
/** Never served, wherever they are: a copied login. */
const DENIED = /^\.credentials/i;

/** A run's directory, from URL parts (the run as `3` or `run_03`). */
export function runDirOf(h: ExperimentHandle, tier: string, subtest: string, run: string) {
  const n = Number(/^(?:run_)?(\d{1,6})$/.exec(run)?.[1]);
  if (!ID.test(tier) || !ID.test(subtest) || !Number.isInteger(n) || n < 1)
    throw new HttpError(404, `no run ${tier}/${subtest}/${run}`);
  return { key: { tier, subtest, run: n }, dir: join(h.dir, tier, subtest, runDirName(n)) };
}

/** `segments` below `root`, refused (403) when it leaves root — also through a symlink — or is denied. */
export function resolveInside(root: string, segments: readonly string[]): string {
  if (segments.some((s) => DENIED.test(s))) throw new HttpError(403, 'this file is never served');
  const target = resolve(root, ...segments);
  const inside = (p: string, r: string) => p === r || p.startsWith(r + sep);
  if (!inside(target, resolve(root))) throw new HttpError(403, 'path outside the experiment');
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new HttpError(404, 'no such file');
  }
  if (!inside(real, realpathSync(root))) throw new HttpError(403, 'path outside the experiment');
  return real;
}

/** A text file's first `max` bytes; null when it does not exist. */
export function readCapped(
  file: string,
  max: number,
): { text: string; size: number; truncated: boolean } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = statSync(file).size;
    const buf = Buffer.alloc(Math.min(size, max));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, n).toString('utf8'), size, truncated: size > max };
  } finally {
    closeSync(fd);
  }
}

/** Parsed JSON of a file of at most `max` bytes; null when absent, larger or not JSON. */
export function readJson(file: string, max = 4 << 20): unknown {
  const r = readCapped(file, max);
  return !r || r.truncated ? null : parseJsonOrNull(r.text);
}

/** Files below `dir` (paths relative to `root`), at most `max`, without the live worktree. */
export function listFiles(dir: string, root: string, max = 400): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= max || DENIED.test(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'workspace' && e.name !== 'repo') walk(p);
      } else if (e.isFile()) out.push({ path: relative(root, p), size: statSync(p).size });
    }
  };
  walk(dir);
  return out;
}

const TYPES: Record<string, { type: string; csp?: string }> = {
  '.html': { type: 'text/html; charset=utf-8', csp: SANDBOX_CSP },
  '.svg': { type: 'image/svg+xml', csp: SANDBOX_CSP },
  '.png': { type: 'image/png' },
  '.json': { type: 'application/json; charset=utf-8' },
};

/** The raw file at `segments` of experiment `h` (text unless it is JSON, an image or a sandboxed page). */
export function rawFile(h: ExperimentHandle, segments: readonly string[]): Reply {
  const path = resolveInside(h.dir, segments);
  const st = statSync(path);
  if (st.isDirectory()) {
    const files = listFiles(path, h.dir, 2000);
    return { kind: 'json', body: { directory: relative(h.dir, path), files } };
  }
  const t = TYPES[extname(path).toLowerCase()] ?? { type: 'text/plain; charset=utf-8' };
  return { kind: 'file', path, type: t.type, csp: t.csp ?? SANDBOX_CSP, cache: 'no-cache' };
}
