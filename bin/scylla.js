#!/usr/bin/env -S node --max-semi-space-size=2
// The `scylla` executable: runs the built CLI — its bundle (dist/bundle/, a few files that load much
// faster than the ~190 modules behind it) or else dist/cli/ — or the TypeScript sources through tsx
// in a checkout. In a checkout whose sources are newer than the build, the sources win: a stale
// `npm run build` must not shadow them.
// The shebang caps V8's young generation at 2 MB per semi-space (16 MB by default): a long `scylla
// run` makes much short-lived garbage per run, and the default lets it grow the process by ~55 MB
// before a scavenge, for no measurable gain in speed (bench/results.md, peak RSS row).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = [join(root, 'dist', 'bundle', 'main.js'), join(root, 'dist', 'cli', 'main.js')].find((f) =>
  existsSync(f),
);
const source = join(root, 'src', 'cli', 'main.ts');

/** Newest modification time of the TypeScript sources below `dir` (0 without any). */
function newestSource(dir) {
  let newest = 0;
  for (const rel of readdirSync(dir, { recursive: true })) {
    if (String(rel).endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, String(rel))).mtimeMs);
  }
  return newest;
}

const useBuilt =
  built !== undefined &&
  (!existsSync(source) || statSync(built).mtimeMs >= newestSource(join(root, 'src')));
if (useBuilt) {
  const { main } = await import(pathToFileURL(built).href);
  await main(process.argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(pathToFileURL(source).href);
  await main(process.argv);
}
