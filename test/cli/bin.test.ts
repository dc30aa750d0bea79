import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A package layout with the real bin/scylla.js, a stub build and a stub source that say which ran. */
function layout(): { dir: string; built: string; source: string } {
  const dir = tmpDir('scylla-bin-');
  for (const d of ['bin', 'dist/cli', 'src/cli']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(join(ROOT, 'bin', 'scylla.js'), join(dir, 'bin', 'scylla.js'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const built = join(dir, 'dist', 'cli', 'main.js');
  const source = join(dir, 'src', 'cli', 'main.ts');
  writeFileSync(built, 'export async function main() { console.log("built"); }\n');
  writeFileSync(source, 'export async function main(): Promise<void> { console.log("source"); }\n');
  return { dir, built, source };
}

const run = (dir: string) =>
  execFileSync(process.execPath, [join(dir, 'bin', 'scylla.js')], { encoding: 'utf8' }).trim();
const setTime = (file: string, secondsAgo: number) => {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, t, t);
};

describe('bin/scylla.js', () => {
  it('runs the build when it is newer than every source, and the sources when the build is stale', () => {
    const { dir, built, source } = layout();
    setTime(source, 60);
    setTime(built, 10);
    expect(run(dir)).toBe('built');
    setTime(source, 1);
    expect(run(dir)).toBe('source');
  });

  it('prefers the bundle (dist/bundle) to dist/cli when both are built', () => {
    const { dir, source } = layout();
    mkdirSync(join(dir, 'dist', 'bundle'));
    const bundle = join(dir, 'dist', 'bundle', 'main.js');
    writeFileSync(bundle, 'export async function main() { console.log("bundle"); }\n');
    setTime(source, 60);
    expect(run(dir)).toBe('bundle');
    setTime(source, 1);
    setTime(bundle, 10);
    expect(run(dir)).toBe('source');
  });

  it('run as an executable (as npx and an installed package run it), node gets the small young generation', () => {
    const { dir, built, source } = layout();
    setTime(source, 60);
    writeFileSync(built, 'export async function main() { console.log(process.execArgv.join(" ")); }\n');
    expect(execFileSync(join(dir, 'bin', 'scylla.js'), { encoding: 'utf8' }).trim()).toBe(
      '--max-semi-space-size=2',
    );
  });
});
