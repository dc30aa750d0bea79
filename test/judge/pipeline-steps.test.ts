// Declared steps, timeouts, missing tool chains, npm projects, the saved scripts and the step environment.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InternalError, InterruptedError } from '../../src/errors.js';
import { pipelineFor, runPipeline } from '../../src/judge/pipeline.js';
import { which } from '../../src/judge/pipeline-probes.js';
import { gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

const bash = (file: string) =>
  spawnSync('bash', [file], { encoding: 'utf8', env: { PATH: process.env.PATH } });

describe('pipelineFor', () => {
  it('uses the language default, and declared commands replace it', () => {
    expect(pipelineFor('Python').map((s) => s.name)).toEqual(['compileall', 'ruff', 'pytest']);
    expect(pipelineFor('typescript').map((s) => s.name)).toEqual(['install', 'tsc', 'npm-test']);
    expect(pipelineFor('javascript').map((s) => s.name)).toEqual(['install', 'npm-test']);
    expect(pipelineFor('mojo').map((s) => s.command)).toEqual([
      'mojo build .',
      'mojo format --check .',
      'mojo test',
      'pre-commit run --all-files',
    ]);
    expect(pipelineFor('other')).toEqual([]);
    expect(pipelineFor('python', [])).toEqual([]);
    const declared = pipelineFor('python', [
      { name: 'test', run: 'make test' },
      { name: 'test', run: 'make check' },
    ]);
    expect(declared).toEqual([
      { name: 'test', command: 'make test' },
      { name: 'test-2', command: 'make check' },
    ]);
  });
});

describe('runPipeline', () => {
  it('reports every mojo step not available on a machine without mojo, which is not a failure', async (ctx) => {
    if (which('mojo', process.env)) ctx.skip();
    const r = await runPipeline({
      workspace: gitdir({ 'main.mojo': 'fn main():\n    print("hi")\n' }).path,
      language: 'mojo',
      scriptsDir: tmpDir('scylla-scripts-'),
    });
    expect(r.steps.slice(0, 3).map((s) => [s.name, s.status, s.exitCode])).toEqual([
      ['mojo-build', 'not_available', null],
      ['mojo-format', 'not_available', null],
      ['mojo-test', 'not_available', null],
    ]);
    expect(r.steps[3]).toMatchObject({
      name: 'pre-commit',
      status: 'skipped',
      output: 'no .pre-commit-config.yaml',
    });
    expect(r.allPassed).toBe(true);
    expect(r.summary).toBe('3 not available (mojo-build, mojo-format, mojo-test), 1 skipped (pre-commit)');
  });

  it('runs declared steps in place of the default, keeps going after a failure, and saves re-runnable scripts', async () => {
    const scriptsDir = tmpDir('scylla-scripts-');
    const ws = gitdir({ 'a.txt': 'hello\n' }).path;
    const r = await runPipeline({
      workspace: ws,
      language: 'python',
      declared: [
        { name: 'check', run: 'grep -q hello a.txt\necho "found in $(pwd)"' },
        { name: 'lint', run: 'echo "lint: 2 problems" >&2; exit 1' },
        { name: 'after', run: 'test -f a.txt' },
      ],
      scriptsDir,
    });
    expect(r.steps.map((s) => [s.name, s.status, s.exitCode])).toEqual([
      ['check', 'passed', 0],
      ['lint', 'failed', 1],
      ['after', 'passed', 0],
    ]);
    expect(r.steps[0].output).toContain(`found in ${ws}`);
    expect(r.steps[1].output).toContain('lint: 2 problems');
    expect(r.allPassed).toBe(false);
    expect(r.summary).toBe('2 passed, 1 failed (lint)');

    expect(
      readdirSync(scriptsDir)
        .filter((f) => f.endsWith('.sh'))
        .sort(),
    ).toEqual(['01-check.sh', '02-lint.sh', '03-after.sh', 'run_all.sh']);
    for (const [i, f] of ['01-check.sh', '02-lint.sh', '03-after.sh'].entries()) {
      const p = join(scriptsDir, f);
      expect(statSync(p).mode & 0o777).toBe(0o755);
      expect(readFileSync(p, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash\n[^]*set -euo pipefail\ncd '/);
      expect(bash(p).status).toBe(r.steps[i].exitCode); // from any cwd: the script cds to the workspace
    }
    const all = bash(join(scriptsDir, 'run_all.sh'));
    expect(all.status).toBe(1);
    expect(all.stdout).toContain('===== 02-lint.sh: exit 1 =====');
    expect(all.stdout).toContain('===== 03-after.sh: exit 0 =====');
    expect(JSON.parse(readFileSync(join(scriptsDir, 'pipeline.json'), 'utf8'))).toEqual(r);
  });

  it('marks a step that exceeds the timeout as timed_out and kills it', async () => {
    const started = Date.now();
    const r = await runPipeline({
      workspace: gitdir({ 'a.txt': 'x\n' }).path,
      language: 'other',
      declared: [{ name: 'slow', run: 'echo starting; sleep 30' }],
      scriptsDir: tmpDir('scylla-scripts-'),
      timeoutMs: 300,
    });
    expect(r.steps[0]).toMatchObject({ status: 'timed_out', exitCode: null });
    expect(r.steps[0].output).toContain('starting');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.allPassed).toBe(false);
    expect(r.summary).toBe('1 timed out (slow)');
  });

  it('truncates long output with a marker and keeps the full output in the step log', async () => {
    const scriptsDir = tmpDir('scylla-scripts-');
    const r = await runPipeline({
      workspace: gitdir({ 'a.txt': 'x\n' }).path,
      language: 'other',
      declared: [{ name: 'noisy', run: 'echo FIRST; head -c 60000 /dev/zero | tr "\\0" x; echo; echo LAST' }],
      scriptsDir,
    });
    const out = r.steps[0].output;
    expect(out.length).toBeLessThan(20_200);
    expect(out).toMatch(/^FIRST\n/);
    expect(out).toMatch(/\[\.\.\. \d+ characters omitted; full output in the step log \.\.\.\]/);
    expect(out).toMatch(/LAST\n$/);
    expect(readFileSync(join(scriptsDir, '01-noisy.log'), 'utf8').length).toBeGreaterThan(60_000);
  });

  it('refuses a workspace that does not exist', async () => {
    const missing = join(tmpDir(), 'gone');
    await expect(
      runPipeline({ workspace: missing, language: 'python', scriptsDir: tmpDir() }),
    ).rejects.toBeInstanceOf(InternalError);
  });

  it('rejects with InterruptedError when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await expect(
      runPipeline({
        workspace: gitdir({ 'a.txt': 'x\n' }).path,
        language: 'other',
        declared: [{ name: 'slow', run: 'sleep 30' }],
        scriptsDir: tmpDir('scylla-scripts-'),
        signal: ac.signal,
      }),
    ).rejects.toBeInstanceOf(InterruptedError);
  });

  it('never passes API keys to steps or into scripts, and keeps bytecode outside the workspace', async () => {
    const scriptsDir = tmpDir('scylla-scripts-');
    const ws = gitdir({ 'a.txt': 'x\n' }).path;
    const r = await runPipeline({
      workspace: ws,
      language: 'other',
      declared: [{ name: 'env', run: 'env' }],
      scriptsDir,
      env: {
        ...process.env,
        ANTHROPIC_API_KEY: 'sk-ant-secret-123',
        GITHUB_TOKEN: 'ghp_secret456',
        CLAUDECODE: '1',
      },
    });
    const out = r.steps[0].output;
    expect(out).not.toMatch(/secret|ANTHROPIC_API_KEY|GITHUB_TOKEN|CLAUDECODE/);
    expect(out).toContain('PYTHONDONTWRITEBYTECODE=1');
    const prefix = /^PYTHONPYCACHEPREFIX=(.+)$/m.exec(out)![1];
    expect(prefix.startsWith(ws)).toBe(false);
    for (const f of readdirSync(scriptsDir))
      expect(readFileSync(join(scriptsDir, f), 'utf8')).not.toContain('secret');
  });
});

describe('npm projects', () => {
  const pkg = (scripts: Record<string, string>) =>
    JSON.stringify({ name: 'demo', version: '1.0.0', scripts });

  it('runs npm test, skips install without dependencies, and reports tsc not available without TypeScript', async () => {
    const ws = gitdir({
      'package.json': pkg({ test: 'node check.js' }),
      'tsconfig.json': '{}',
      'check.js': 'if (1 + 1 !== 3) { console.error("expected 3"); process.exit(1); }\n',
    }).path;
    const r = await runPipeline({
      workspace: ws,
      language: 'typescript',
      scriptsDir: tmpDir('scylla-scripts-'),
    });
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([
      ['install', 'skipped'],
      ['tsc', 'not_available'],
      ['npm-test', 'failed'],
    ]);
    expect(r.steps[2].output).toContain('expected 3');
    writeFileSync(join(ws, 'check.js'), 'process.exit(0)\n');
    const again = await runPipeline({
      workspace: ws,
      language: 'javascript',
      scriptsDir: tmpDir('scylla-scripts-'),
    });
    expect(again.steps.map((s) => [s.name, s.status])).toEqual([
      ['install', 'skipped'],
      ['npm-test', 'passed'],
    ]);
  });

  it('runs npm ci when there is a lockfile', async () => {
    const lock = {
      name: 'demo',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'demo', version: '1.0.0' } },
    };
    const ws = gitdir({ 'package.json': pkg({}), 'package-lock.json': JSON.stringify(lock) }).path;
    const r = await runPipeline({
      workspace: ws,
      language: 'javascript',
      scriptsDir: tmpDir('scylla-scripts-'),
    });
    expect(r.steps.map((s) => [s.name, s.status, s.command])).toEqual([
      ['install', 'passed', 'npm ci --no-audit --no-fund'],
      ['npm-test', 'skipped', 'npm test'],
    ]);
  });

  it('runs the workspace TypeScript compiler and reports a type error', async () => {
    const ws = gitdir({
      'package.json': pkg({}),
      'tsconfig.json': JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, types: [], lib: ['es5'], skipLibCheck: true },
        files: ['a.ts'],
      }),
      'a.ts': 'export const n: number = "not a number";\n',
    }).path;
    // TypeScript "installed" in the workspace: the project's own copy.
    mkdirSync(join(ws, 'node_modules/.bin'), { recursive: true });
    symlinkSync(resolve('node_modules/typescript'), join(ws, 'node_modules/typescript'));
    symlinkSync('../typescript/bin/tsc', join(ws, 'node_modules/.bin/tsc'));
    const r = await runPipeline({ workspace: ws, language: 'ts', scriptsDir: tmpDir('scylla-scripts-') });
    expect(r.language).toBe('typescript');
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([
      ['install', 'skipped'],
      ['tsc', 'failed'],
      ['npm-test', 'skipped'],
    ]);
    expect(r.steps[1].output).toContain('a.ts(1,14): error TS2322');
  });

  it('skips npm test when the test script is the npm init placeholder', async () => {
    const ws = gitdir({ 'package.json': pkg({ test: 'echo "Error: no test specified" && exit 1' }) }).path;
    const r = await runPipeline({
      workspace: ws,
      language: 'javascript',
      scriptsDir: tmpDir('scylla-scripts-'),
    });
    expect(r.steps.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect(r.summary).toBe('2 skipped (install, npm-test)');
  });
});
