// Packing and applying a payload: a run directory's files plus the run's branch (its commit, as a
// git bundle against the base commit). The same on both sides: a worker ships a stage's output,
// the coordinator applies it; the coordinator grants a redone attempt, the worker restores it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCommit, fetchBundle, setBranch } from '../workspace/bundle.js';
import type { Payload } from './messages.js';
import { writeFiles } from './run-files.js';
import type { FileEntry, Transport } from './transport.js';

const BUNDLE = '.branch.bundle';

/** Run `use` with the path of a bundle file in a fresh temporary directory, removed afterwards. */
async function withBundleFile<T>(use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'scylla-bundle-'));
  try {
    return await use(join(dir, BUNDLE));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The run's branch in a repository: which branch, at which commit, on which base. */
export interface BranchAt {
  repo: string;
  branch: string;
  commit: string;
  base: string;
}

/** Make a payload of `files` (and `branch`, when given) under `place`. */
export async function packPayload(
  transport: Transport,
  place: string,
  files: readonly FileEntry[],
  deleted: readonly string[],
  branch: BranchAt | null,
): Promise<Payload> {
  const bundle: FileEntry | null = branch
    ? await withBundleFile(async (file) =>
        (await bundleCommit({ ...branch, file }))
          ? { path: BUNDLE, mode: 0o644, data: readFileSync(file) }
          : null,
      )
    : null;
  const packed = await transport.pack(place, bundle ? [...files, bundle] : files);
  const refs = bundle ? packed.refs.slice(0, -1) : packed.refs;
  return {
    ...(packed.dir === undefined ? {} : { dir: packed.dir }),
    files: refs,
    deleted: [...deleted],
    branch: branch
      ? { commit: branch.commit, bundle: bundle ? packed.refs[packed.refs.length - 1] : null }
      : null,
  };
}

/** Put a payload's files into `runDir` and its branch into `repo` (files first, then the commits). */
export async function applyPayload(
  transport: Transport,
  payload: Payload,
  to: { runDir: string; repo: string; branch: string },
): Promise<void> {
  writeFiles(to.runDir, await transport.unpack(payload.dir, payload.files), payload.deleted);
  const b = payload.branch;
  if (!b) return;
  if (!b.bundle) {
    await setBranch(to.repo, to.branch, b.commit);
    return;
  }
  const [bundle] = await transport.unpack(payload.dir, [b.bundle]);
  await withBundleFile(async (file) => {
    writeFileSync(file, bundle.data);
    await fetchBundle({ repo: to.repo, branch: to.branch, commit: b.commit, file });
  });
}
