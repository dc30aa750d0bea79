// The Python pipeline on real repositories: pytest verdicts, baseline comparison, a clean worktree, saved results.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareWithBaseline,
  loadPipelineResult,
  PipelineResultSchema,
  runPipeline,
  type PipelineResult,
} from '../../src/judge/pipeline.js';
import { which } from '../../src/judge/pipeline-probes.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

const hasPytest = (() => {
  try {
    execFileSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const hasRuff = which('ruff', process.env) !== null;

// The interpreter itself first on PATH: a version-manager shim costs ~0.5 s per python3 call on a busy machine.
const pythonBin = dirname(
  execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim(),
);
const ENV = { ...process.env, PATH: `${pythonBin}${delimiter}${process.env.PATH ?? ''}` };

const LIB = 'def add(a, b):\n    return a + b\n';
const TEST_ADD = (expected: number) =>
  `from pkg.lib import add\n\ndef test_add():\n    assert add(1, 1) == ${expected}\n`;
/** A package imported by its test and by conftest.py, so running anything would write bytecode next to it. */
const pyRepo = (expected: number) =>
  gitdir({
    'pkg/__init__.py': '',
    'pkg/lib.py': LIB,
    'test_hello.py': TEST_ADD(expected),
    'conftest.py': 'import pkg.lib\n',
  });

const run = (workspace: string, scriptsDir = tmpDir('scylla-scripts-')) =>
  runPipeline({ workspace, language: 'python', scriptsDir, env: ENV });

/** Every path under `root` except .git, sorted. */
const listTree = (root: string): string[] =>
  readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => p !== '.git' && !p.startsWith(`.git${sep}`))
    .sort();

const step = (r: PipelineResult, name: string) => r.steps.find((s) => s.name === name)!;

describe.skipIf(!hasPytest)('python pipeline with pytest', () => {
  let failing: PipelineResult;
  let passing: PipelineResult;

  it('reports a failing test as a failed pytest step with the assertion in its output', async () => {
    const scripts = tmpDir('scylla-scripts-');
    const repo = pyRepo(3);
    writeFileSync(join(repo.path, 'pkg/extra.py'), 'from pkg.lib import add\nTWO = add(1, 1)\n'); // the agent's file
    const before = listTree(repo.path);
    failing = await run(repo.path, scripts);
    expect(failing.steps.map((s) => s.name)).toEqual(['compileall', 'ruff', 'pytest']);
    expect(step(failing, 'compileall').status).toBe('passed');
    expect(step(failing, 'ruff').status).toBe(hasRuff ? 'passed' : 'not_available');
    const pytest = step(failing, 'pytest');
    expect(pytest.status).toBe('failed');
    expect(pytest.exitCode).toBe(1);
    expect(pytest.output).toContain('assert 2 == 3');
    expect(failing.allPassed).toBe(false);
    expect(failing.summary).toContain('1 failed (pytest)');
    // No bytecode, no .pytest_cache: the worktree shows only the agent's file, even counting ignored files.
    expect(git(repo.path, 'status', '--porcelain', '--untracked-files=all', '--ignored')).toBe(
      '?? pkg/extra.py',
    );
    expect(listTree(repo.path)).toEqual(before); // git status does not show empty directories
    // pipeline.json is the result and reloads through the schema (resume); the log has the full output.
    expect(loadPipelineResult(join(scripts, 'pipeline.json'))).toEqual(failing);
    expect(readFileSync(join(scripts, '03-pytest.log'), 'utf8')).toContain('assert 2 == 3');
  });

  it('reports a passing repository as passed', async () => {
    passing = await run(pyRepo(2).path);
    expect(step(passing, 'pytest').status).toBe('passed');
    expect(step(passing, 'pytest').output).toMatch(/1 passed/);
    expect(passing.allPassed).toBe(true);
    expect(passing.summary).toMatch(hasRuff ? /^3 passed$/ : /^2 passed, 1 not available \(ruff\)$/);
  });

  it('marks a failure that the baseline shares as pre-existing, and only that', () => {
    // The baseline is a real run in which the same test failed.
    const marked = compareWithBaseline(failing, failing);
    expect(step(marked, 'pytest').preExisting).toBe(true);
    expect(step(marked, 'compileall').preExisting).toBeUndefined();
    expect(marked.summary).toBe(`${failing.summary} (1 failure pre-existing on the base commit)`);
    expect(marked.allPassed).toBe(false);
    expect(compareWithBaseline(marked, failing)).toEqual(marked);
    expect(PipelineResultSchema.parse(JSON.parse(JSON.stringify(marked)))).toEqual(marked);

    const notMarked = compareWithBaseline(failing, passing);
    expect(step(notMarked, 'pytest').preExisting).toBeUndefined();
    expect(notMarked.summary).toBe(failing.summary);
    expect(compareWithBaseline(marked, null)).toEqual(failing);
  });

  it('treats "no tests collected" as skipped, not failed', async () => {
    const r = await run(gitdir({ 'lib.py': LIB, 'tests/helper.py': 'X = 1\n' }).path);
    expect(step(r, 'pytest')).toMatchObject({ status: 'skipped', exitCode: 5 });
    expect(r.allPassed).toBe(true);
  });
});

describe('python pipeline without tests or tools', () => {
  it('skips pytest when the repository has no tests', async () => {
    const r = await run(gitdir({ 'lib.py': LIB }).path);
    expect(step(r, 'pytest')).toMatchObject({ status: 'skipped', exitCode: null });
  });

  it('fails compileall on a syntax error', async () => {
    const r = await run(gitdir({ 'bad.py': 'x = (\n' }).path);
    expect(step(r, 'compileall').status).toBe('failed');
    expect(step(r, 'compileall').output).toContain('bad.py');
  });

  it('reports every step not available when python3 and ruff are not on PATH (no failure)', async () => {
    const bin = tmpDir('scylla-bin-');
    execFileSync('ln', ['-s', which('bash', process.env)!, join(bin, 'bash')]);
    const r = await runPipeline({
      workspace: pyRepo(3).path,
      language: 'python',
      scriptsDir: tmpDir('scylla-scripts-'),
      env: { PATH: bin, HOME: process.env.HOME },
    });
    expect(r.steps.map((s) => s.status)).toEqual(['not_available', 'not_available', 'not_available']);
    expect(step(r, 'compileall').output).toContain('python3 not on PATH');
    expect(r.allPassed).toBe(true);
    expect(r.summary).toBe('3 not available (compileall, ruff, pytest)');
  });

  it('removes cache directories the steps created and keeps those that were there before', async () => {
    const repo = gitdir({ 'a.py': 'A = 1\n' });
    mkdirSync(join(repo.path, 'old/__pycache__'), { recursive: true });
    const r = await runPipeline({
      workspace: repo.path,
      language: 'python',
      declared: [
        {
          name: 'litter',
          run: 'mkdir -p pkg/__pycache__ .pytest_cache .ruff_cache && touch pkg/__pycache__/x.pyc',
        },
      ],
      scriptsDir: tmpDir('scylla-scripts-'),
    });
    expect(r.steps[0].status).toBe('passed');
    expect(existsSync(join(repo.path, 'pkg/__pycache__'))).toBe(false);
    expect(existsSync(join(repo.path, '.pytest_cache'))).toBe(false);
    expect(existsSync(join(repo.path, '.ruff_cache'))).toBe(false);
    expect(existsSync(join(repo.path, 'pkg'))).toBe(true);
    expect(existsSync(join(repo.path, 'old/__pycache__'))).toBe(true);
  });

  it('returns null for a missing or invalid pipeline.json', () => {
    const dir = tmpDir();
    expect(loadPipelineResult(join(dir, 'pipeline.json'))).toBeNull();
    writeFileSync(join(dir, 'bad.json'), '{"language": "python"}');
    expect(loadPipelineResult(join(dir, 'bad.json'))).toBeNull();
  });
});
