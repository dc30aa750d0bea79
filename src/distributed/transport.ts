// How a payload's files travel between a worker and the coordinator: inline in the job's log entry
// (gzipped, base64), or — when the machines share a disk (`--shared-dir`) — as files in a staging
// directory that the entry only names. Either way the coordinator alone writes the results.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { QueueError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { FileRef } from './messages.js';

const gz = promisify(gzip);
const gunz = promisify(gunzip);

/** A file's content, by its path relative to the run directory. */
export interface FileEntry {
  path: string;
  mode: number;
  data: Buffer;
}

/** One way of carrying files. */
export interface Transport {
  readonly kind: 'inline' | 'shared';
  /** Make `files` available to the other side; `place` is unique per payload (`queue/job/n`). */
  pack(place: string, files: readonly FileEntry[]): Promise<{ dir?: string; refs: FileRef[] }>;
  /** The files `refs` name (of a payload packed in `dir`). */
  unpack(dir: string | undefined, refs: readonly FileRef[]): Promise<FileEntry[]>;
  /** Free everything packed below `place` (a job's payloads, once the coordinator holds them). */
  drop(place: string): void;
  /** The places packed below `dir` (a queue's jobs) that are still there. */
  places(dir: string): string[];
}

const inline: Transport = {
  kind: 'inline',
  pack: async (_place, files) => ({
    refs: await Promise.all(
      files.map(async (f) => ({
        path: f.path,
        mode: f.mode,
        size: f.data.length,
        gz: (await gz(f.data)).toString('base64'),
      })),
    ),
  }),
  unpack: (_dir, refs) =>
    Promise.all(
      refs.map(async (r) => {
        if (r.gz === undefined) throw new QueueError(`${r.path} came without its content`);
        return { path: r.path, mode: r.mode, data: await gunz(Buffer.from(r.gz, 'base64')) };
      }),
    ),
  drop: () => undefined,
  places: () => [],
};

function shared(root: string | null): Transport {
  const base = () => {
    if (!root)
      throw new QueueError(
        'this experiment carries files through a shared directory: start the worker with --shared-dir',
      );
    return root;
  };
  return {
    kind: 'shared',
    pack: (place, files) => {
      for (const f of files) writeFileAtomic(join(base(), place, f.path), f.data, f.mode);
      return Promise.resolve({
        dir: place,
        refs: files.map((f) => ({ path: f.path, mode: f.mode, size: f.data.length })),
      });
    },
    unpack: (dir, refs) => {
      if (dir === undefined) throw new QueueError('a shared-directory payload without its directory');
      return Promise.resolve(
        refs.map((r) => {
          const file = join(base(), dir, r.path);
          if (!existsSync(file)) throw new QueueError(`${file} is missing from the shared directory`);
          return { path: r.path, mode: r.mode, data: readFileSync(file) };
        }),
      );
    },
    drop: (place) => {
      if (root) rmSync(join(root, place), { recursive: true, force: true });
    },
    places: (dir) => {
      const d = root ? join(root, dir) : null;
      return d && existsSync(d) ? readdirSync(d).map((name) => `${dir}/${name}`) : [];
    },
  };
}

/** The transports by name (the job says which one its experiment uses). */
export const transports: Record<Transport['kind'], (sharedDir: string | null) => Transport> = {
  inline: () => inline,
  shared,
};
