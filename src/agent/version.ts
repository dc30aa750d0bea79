// `<agent> --version`, run once per binary (10 s timeout; "unknown" when it cannot be run).
import { tmpdir } from 'node:os';
import { runProcess } from '../util/process.js';

const cache = new Map<string, Promise<string>>();

/** The first line of `<bin> --version`, or "unknown". Successful lookups are cached per binary. */
export function agentVersion(bin: string, env: NodeJS.ProcessEnv): Promise<string> {
  let v = cache.get(bin);
  if (!v) {
    v = runProcess({
      cmd: bin,
      args: ['--version'],
      cwd: tmpdir(),
      env,
      timeoutMs: 10_000,
      killGraceMs: 1000,
    }).then(
      (r) => (r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim().split('\n')[0] : 'unknown'),
      () => 'unknown',
    );
    cache.set(bin, v);
    // A failed lookup is not remembered: the binary may be installed later in the same process.
    void v.then((line) => line === 'unknown' && cache.delete(bin));
  }
  return v;
}

/** The bare version number of a `--version` line ("2.1.197 (Claude Code)" → "2.1.197"). */
export function versionNumber(line: string): string | undefined {
  return /\d+\.\d+\.\d+\S*/.exec(line)?.[0];
}
