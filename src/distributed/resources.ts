// The subtest's skills and agents travel with its jobs: a worker has no resource library. The
// coordinator packs each linked file or directory; a worker unpacks it once per content digest and
// links the run to its own copy (the resolved configuration is otherwise the coordinator's).
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ResolvedConfig } from '../fixture/resolved-config.js';
import type { JobData } from './messages.js';
import { writeFiles } from './run-files.js';

type Resource = JobData['resources'][number];

function filesOf(path: string, rel = ''): { path: string; mode: number; data: Buffer }[] {
  const st = statSync(path);
  if (!st.isDirectory())
    return [{ path: rel || basename(path), mode: st.mode & 0o777, data: readFileSync(path) }];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesOf(join(path, name), rel ? `${rel}/${name}` : name));
}

/** Every skill and agent the configuration links, with its files (inline, gzipped). */
export function packResources(resolved: ResolvedConfig): Resource[] {
  return [...resolved.skills, ...resolved.agents].map((r) => {
    const dir = statSync(r.path).isDirectory();
    return {
      digest: r.digest,
      name: basename(r.path),
      // A directory's files are below its name; a file is its name.
      files: filesOf(r.path, dir ? basename(r.path) : '').map((f) => ({
        path: f.path,
        mode: f.mode,
        size: f.data.length,
        gz: gzipSync(f.data).toString('base64'),
      })),
    };
  });
}

/** Unpack the resources below `cacheDir` (once per digest); the configuration linking the copies. */
export function unpackResources(
  cacheDir: string,
  resolved: ResolvedConfig,
  resources: readonly Resource[],
): ResolvedConfig {
  const local = new Map<string, string>();
  for (const r of resources) {
    const dir = join(cacheDir, r.digest);
    if (!existsSync(dir)) {
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      const files = r.files.map((f) => ({
        path: f.path,
        mode: f.mode,
        data: gunzipSync(Buffer.from(f.gz ?? '', 'base64')),
      }));
      writeFiles(tmp, files);
      try {
        renameSync(tmp, dir);
      } catch {
        // Another job of this worker unpacked the same digest first: its copy is the same.
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    local.set(r.digest, join(dir, r.name));
  }
  const relink = <T extends { digest: string; path: string }>(xs: T[]): T[] =>
    xs.map((x) => ({ ...x, path: local.get(x.digest) ?? x.path }));
  return { ...resolved, skills: relink(resolved.skills), agents: relink(resolved.agents) };
}
