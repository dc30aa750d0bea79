// Writes a resolved configuration into a worktree: CLAUDE.md, .claude/skills and .claude/agents links.
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { isSafeName } from '../config/subtest-schema.js';
import type { LinkedResource, ResolvedConfig } from '../fixture/resolved-config.js';

/** What materialisation changed, for the config commit. */
export interface MaterializeResult {
  /** Relative paths written or removed, sorted; stage them with `git add -A -- <paths>`. */
  paths: string[];
  /** The subset of `paths` that was deleted (a repo's own CLAUDE.md or .claude/, stale links). */
  removed: string[];
  /** sha256 (hex) of the CLAUDE.md written, or null when none was written. */
  claudeMdSha256: string | null;
}

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * Write `resolved` into `workspace`. Idempotent: running it again gives the same tree. Skills and
 * agents are symlinks to absolute library paths; links not in the configuration are removed, the
 * repo's own (non-link) entries are kept. Does not commit.
 */
export function materialize(workspace: string, resolved: ResolvedConfig): MaterializeResult {
  const paths: string[] = [];
  const removed: string[] = [];
  const remove = (rel: string) => {
    const abs = join(workspace, rel);
    if (!exists(abs)) return;
    rmSync(abs, { recursive: true, force: true });
    removed.push(rel);
  };

  if (resolved.special) {
    // The empty and vanilla baselines measure the bare agent: no instructions, no .claude at all.
    for (const rel of ['CLAUDE.md', 'CLAUDE.local.md', '.claude']) remove(rel);
    return { paths: [...removed].sort(), removed: removed.sort(), claudeMdSha256: null };
  }

  let claudeMdSha256: string | null = null;
  const content = resolved.claudeMd.content;
  if (content !== null) {
    const file = join(workspace, 'CLAUDE.md');
    // Never write through a symlink the repo may have put there.
    if (exists(file) && lstatSync(file).isSymbolicLink()) rmSync(file);
    writeFileSync(file, content);
    paths.push('CLAUDE.md');
    claudeMdSha256 = createHash('sha256').update(content).digest('hex');
  }

  syncLinks(workspace, '.claude/skills', resolved.skills, '', paths, removed);
  syncLinks(workspace, '.claude/agents', resolved.agents, '.md', paths, removed);
  return { paths: [...paths, ...removed].sort(), removed: removed.sort(), claudeMdSha256 };
}

/** Make `<dir>/<name><suffix>` a symlink to each entry's path; drop other symlinks in `dir`. */
function syncLinks(
  workspace: string,
  dirRel: string,
  entries: readonly LinkedResource[],
  suffix: string,
  paths: string[],
  removed: string[],
): void {
  const dir = join(workspace, dirRel);
  const wanted = new Map(entries.map((e) => [`${e.name}${suffix}`, e.path]));
  for (const name of wanted.keys())
    if (!isSafeName(name)) throw new ConfigError(`unsafe resource name '${name}'`, { field: dirRel });
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (wanted.has(name) || !lstatSync(abs).isSymbolicLink()) continue;
      rmSync(abs);
      removed.push(`${dirRel}/${name}`);
    }
  }
  if (!wanted.size) return;
  mkdirSync(dir, { recursive: true });
  for (const [name, target] of wanted) {
    const link = join(dir, name);
    const current = exists(link) && lstatSync(link).isSymbolicLink() ? readlinkSync(link) : null;
    if (current !== target) {
      if (exists(link)) rmSync(link, { recursive: true, force: true });
      symlinkSync(target, link);
    }
    paths.push(`${dirRel}/${name}`);
  }
}
