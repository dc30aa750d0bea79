// Bundles the CLI into dist/bundle/ (part of `npm run build`). Node 20 has no compile cache, and the
// CLI loads some 190 modules of its own and of its dependencies (zod alone is 99 files): resolving
// and compiling them one by one is most of a no-op `scylla run` (bench/results.md). The bundle holds
// them in a few files. Left outside: the native SQLite binding, and what only some commands load
// (the chart libraries in the report.html child, the queue's Redis client, pino's worker transports).
//
//   npx tsx scripts/bundle-cli.ts [outdir]     (default: dist/bundle)
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Packages loaded from node_modules at run time, as installed. */
const EXTERNAL = ['better-sqlite3', 'vega', 'vega-lite', 'bullmq', 'ioredis', 'pino'];

/** The entry points: the CLI and the report.html renderer child (forked by its file name). */
const ENTRIES = ['src/cli/main.ts', 'src/report/html/render-child.ts'];

// Bundled CommonJS packages (commander, yaml) call require(): an ES module has none of its own.
const REQUIRE_SHIM =
  "import { createRequire as __scyllaCreateRequire } from 'node:module'; const require = __scyllaCreateRequire(import.meta.url);";

/** Write the bundle to `outdir` (emptied first); `main.js` there exports `main(argv)`. */
export async function bundleCli(outdir = join(ROOT, 'dist', 'bundle')): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: ENTRIES.map((e) => join(ROOT, e)),
    entryNames: '[name]',
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli(process.argv[2]);
