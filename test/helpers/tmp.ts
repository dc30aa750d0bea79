// Temporary directories for tests, removed after the test file finishes.
import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
const cleanup = () => {
  if (process.env.SCYLLA_KEEP_TMP) return;
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
};
// Inside vitest: after each test file. Elsewhere (benchmarks, the demo): when the process exits.
if (process.env.VITEST) afterAll(cleanup);
else process.on('exit', cleanup);

/** A fresh, real (symlink-resolved) temp dir, removed after the test file. */
export function tmpDir(prefix = 'scylla-test-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}
