// Finding an executable the way a shell would: a name is looked up on PATH, a path is taken as is.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path `cmd` would run as, or null when there is no such executable: a command with a
 * slash is resolved against `cwd`, a bare name is searched on `env.PATH`.
 */
export function findExecutable(cmd: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): string | null {
  if (cmd === '') return null;
  if (cmd.includes('/')) {
    const abs = isAbsolute(cmd) ? cmd : resolve(cwd, cmd);
    return isExecutableFile(abs) ? abs : null;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, cmd);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
