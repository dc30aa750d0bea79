// A run sees nothing but its own workspace. Real `scylla run`, real Claude Code CLI, scripted model:
// each agent's one Bash call probes its surroundings (other runs' branches and commits, the
// experiment directory, the grading criteria, the real HOME, writes outside the workspace) into
// probe.txt, a Write goes to an absolute path outside, and an agent-written pytest test tries to
// read the criteria. Asserted from the later runs' diffs, the pipeline results and the file system;
// the same experiment with `--sandbox none` shows every leak, so the assertions can fail.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbRows, experimentDirs, PASS_VERDICT } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

/** Text of expected/criteria.md that only the judges may read. */
const SECRET = 'Verification: the file is in the diff.';
const HOME_MARKER = 'home-marker-3f9a.txt';

interface Layout {
  root: string;
  home: string;
  tiersDir: string;
  results: string;
  config: string;
}

/** A test case, a fake HOME with a marker, and an experiment config granting read of their parents. */
function layout(): Layout {
  const root = tmpDir('scylla-sandbox-');
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, HOME_MARKER), 'private\n');
  const repo = gitdir({ 'README.md': '# greeter\n' });
  const { tiersDir } = buildTestCase({ repo, tiers: { T0: { '00-empty': {} } } });
  const results = join(root, 'results');
  const config = join(root, 'experiment.yaml');
  // Read access to directories that contain the test case and the results: they must still be hidden.
  writeFileSync(config, `sandbox_read_only:\n  - ${dirname(tiersDir)}\n  - ${root}\n`);
  return { root, home, tiersDir, results, config };
}

/** Name prefix of the file a probe writes to /tmp (one per layout: experiments never see each other's). */
const tmpLeak = (l: Layout) => `scylla-leak-${basename(l.root)}`;

/** The probe every agent runs (in its workspace: <exp>/T0/00/run_NN/workspace). */
function probe(l: Layout): string {
  const crit = join(l.tiersDir, 'expected', 'criteria.md');
  return [
    'EXP=$(cd ../../../.. && pwd)',
    '{',
    'echo "== branch"; git branch -a',
    'echo "== log"; git log --all --oneline',
    'echo "== objects"; git cat-file --batch-all-objects --batch-check',
    'echo "== archive"; git -C "$EXP/repo" branch -a; git -C "$EXP/repo" log --all --oneline',
    'echo "== ls rel"; ls ../../../..',
    'echo "== ls abs"; ls "$EXP"',
    'echo "== criteria"; cat "$EXP/criteria.md"; cat ' + crit,
    `echo "== home"; ls -a ${l.home}`,
    'echo "== writes"',
    'R=$(basename "$(dirname "$PWD")")',
    `echo x > /tmp/${tmpLeak(l)}-$R && echo wrote-tmp`,
    'echo x > "$EXP/leak-$R.txt" && echo wrote-exp',
    `echo x > ${l.tiersDir}/leak-$R.txt && echo wrote-case`,
    '} > probe.txt 2>&1; true',
  ].join('\n');
}

const TEST_LEAK = (l: Layout) =>
  `def test_reads_criteria():\n    text = open(${JSON.stringify(join(l.tiersDir, 'expected', 'criteria.md'))}).read()\n    raise AssertionError("LEAKED " + text)\n`;

/** Run a 3-run experiment; returns its directory. */
async function experiment(server: ModelServer, l: Layout, sandbox: 'auto' | 'none'): Promise<string> {
  server.setScript({
    agent: {
      steps: [
        { tool: 'Bash', input: { command: probe(l) } },
        { tool: 'Write', input: { file_path: join(l.tiersDir, 'write-leak.txt'), content: 'x\n' } },
        { tool: 'Write', input: { file_path: 'test_leak.py', content: TEST_LEAK(l) } },
        { text: 'Probed.' },
      ],
    },
    judge: { default: PASS_VERDICT },
  });
  const args = ['run', '--tiers-dir', l.tiersDir, '--tiers', 'T0', '--runs', '3', '--parallel', '1'];
  args.push('--results-dir', l.results, '--config', l.config, '--sandbox', sandbox);
  const r = await runScylla(args, scyllaEnv(server.url, { HOME: l.home }));
  expect(r.code, r.stderr).toBe(0);
  const [dir] = experimentDirs(l.results);
  return dir;
}

interface RunFacts {
  run: number;
  branch: string;
  agent_commit: string;
}

/** probe.txt as the run's diff added it. */
function probeOf(expDir: string, run: number): string {
  const patch = readFileSync(join(expDir, 'T0', '00', `run_0${run}`, 'diff.patch'), 'utf8');
  const start = patch.indexOf('+++ b/probe.txt');
  expect(start, `probe.txt in run ${run}'s diff`).toBeGreaterThanOrEqual(0);
  const body = patch.slice(start).split('\ndiff --git')[0];
  return body
    .split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
    .map((l) => l.slice(1))
    .join('\n');
}

const pytestOutput = (expDir: string, run: number): string => {
  const p = JSON.parse(
    readFileSync(join(expDir, 'T0', '00', `run_0${run}`, 'judge', 'pipeline.json'), 'utf8'),
  ) as { steps: { name: string; output: string }[] };
  return p.steps.find((s) => s.name === 'pytest')?.output ?? '';
};

/** What leaked into runs 2 and 3 (and onto the disk), one flag per kind of leak. */
function leaks(expDir: string, l: Layout) {
  const runs = dbRows<RunFacts>(expDir, 'SELECT run, branch, agent_commit FROM runs ORDER BY run');
  const found = {
    branch: false,
    commit: false,
    grading: false,
    listing: false,
    home: false,
    disk: false,
    pipeline: false,
  };
  for (const later of [2, 3]) {
    const text = probeOf(expDir, later);
    for (const other of runs.filter((r) => r.run < later)) {
      found.branch ||= text.includes(other.branch);
      found.commit ||= text.includes(other.agent_commit) || text.includes(other.agent_commit.slice(0, 7));
    }
    found.grading ||= text.includes(SECRET) || text.includes('R001');
    found.listing ||= /scylla\.db|rubric\.yaml|experiment\.json/.test(text);
    found.home ||= text.includes(HOME_MARKER);
    found.pipeline ||= pytestOutput(expDir, later).includes(SECRET);
  }
  const written = [
    ...readdirSync(expDir).filter((f) => f.startsWith('leak-')),
    ...readdirSync(l.tiersDir).filter((f) => f.includes('leak')),
    ...readdirSync('/tmp').filter((f) => f.startsWith(tmpLeak(l))),
  ];
  found.disk = written.length > 0;
  return { found, written };
}

/** A local HTTP server answering `name` (a host the allowlist lets through, or not). */
function serve(name: string): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const s = createServer((_q, r) => r.end(`${name}\n`));
    s.listen(0, '127.0.0.1', () =>
      resolve({ port: (s.address() as AddressInfo).port, close: () => s.close() }),
    );
  });
}

describe('the per-run sandbox', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({});
  });
  afterAll(() => server.close());

  it('sandboxed: no other run, no grading material, no listing, nothing written outside the workspace', async () => {
    const l = layout();
    const expDir = await experiment(server, l, 'auto');
    const exp = JSON.parse(readFileSync(join(expDir, 'experiment.json'), 'utf8'));
    expect(exp.sandboxStatus).toEqual({ kind: 'bwrap', reason: null });
    const { found, written } = leaks(expDir, l);
    expect(written).toEqual([]);
    expect(found).toEqual({
      branch: false,
      commit: false,
      grading: false,
      listing: false,
      home: false,
      disk: false,
      pipeline: false,
    });
    // The probes themselves ran: the run's own branch and the task's history are there.
    const run3 = probeOf(expDir, 3);
    expect(run3).toContain('test-001_T0_00_run_03');
    expect(run3).toMatch(/Initial commit|init/i);
    // The agent-written test ran in the pipeline and could not read the criteria.
    expect(pytestOutput(expDir, 2)).toMatch(/No such file|FileNotFoundError|Permission denied/);
    // Runs record their sandbox; replay.sh runs the agent in the same one.
    const rr = JSON.parse(readFileSync(join(expDir, 'T0', '00', 'run_02', 'run_result.json'), 'utf8'));
    expect(rr.sandbox.kind).toBe('bwrap');
    expect(readFileSync(join(expDir, 'T0', '00', 'run_02', 'agent', 'MODEL.md'), 'utf8')).toContain(
      '## Sandbox',
    );
    const replay = readFileSync(join(expDir, 'T0', '00', 'run_02', 'agent', 'replay.sh'), 'utf8');
    expect(replay.trimEnd().split('\n').pop()).toMatch(/^\S*bwrap .* -- /);
    // Every run's branch is in the archive, as before.
    expect(existsSync(join(expDir, 'repo'))).toBe(true);
  });

  it('--sandbox none: the same probes show every leak', async () => {
    const l = layout();
    const expDir = await experiment(server, l, 'none');
    const exp = JSON.parse(readFileSync(join(expDir, 'experiment.json'), 'utf8'));
    expect(exp.sandboxStatus.kind).toBe('none');
    const { found } = leaks(expDir, l);
    expect(found).toEqual({
      branch: true,
      commit: true,
      grading: true,
      listing: true,
      home: true,
      disk: true,
      pipeline: true,
    });
    expect(readFileSync(join(expDir, 'report.md'), 'utf8')).toContain('NOT SANDBOXED');
    for (const r of [
      join(expDir, 'T0', 'report.md'),
      join(expDir, 'T0', '00', 'report.md'),
      join(expDir, 'T0', '00', 'run_01', 'report.md'),
    ])
      expect(readFileSync(r, 'utf8'), r).toContain('NOT SANDBOXED');
    for (const f of readdirSync('/tmp').filter((n) => n.startsWith(tmpLeak(l)))) rmSync(join('/tmp', f));
  });

  it('network: allowlist: the model endpoint and allowed hosts only, through the gate', async () => {
    const allowed = await serve('allowed-host');
    const denied = await serve('denied-host');
    const l = layout();
    writeFileSync(l.config, `network: allowlist\nnetwork_allow:\n  - 127.0.0.1:${allowed.port}\n`);
    const curl = (port: number) => `curl -s -m 5 http://127.0.0.1:${port}/ || echo "curl failed $?"`;
    const cmd = `{ ${curl(allowed.port)}; ${curl(denied.port)}; curl -s -m 5 --noproxy '*' http://127.0.0.1:${denied.port}/ || echo "direct failed $?"; } > net.txt 2>&1`;
    server.setScript({
      agent: { steps: [{ tool: 'Bash', input: { command: cmd } }, { text: 'Done.' }] },
      judge: { default: PASS_VERDICT },
    });
    const args = [
      'run',
      '--tiers-dir',
      l.tiersDir,
      '--tiers',
      'T0',
      '--runs',
      '1',
      '--results-dir',
      l.results,
    ];
    const r = await runScylla([...args, '--config', l.config], scyllaEnv(server.url, { HOME: l.home }));
    allowed.close();
    denied.close();
    expect(r.code, r.stderr).toBe(0);
    const [expDir] = experimentDirs(l.results);
    const patch = readFileSync(join(expDir, 'T0', '00', 'run_01', 'diff.patch'), 'utf8');
    expect(patch).toContain('+allowed-host');
    expect(patch).not.toContain('denied-host');
    expect(patch).toContain("+blocked by Scylla's network allowlist");
    expect(patch).toMatch(/\+direct failed \d+/);
    const rec = JSON.parse(readFileSync(join(expDir, 'T0', '00', 'run_01', 'agent', 'sandbox.json'), 'utf8'));
    expect(rec.network).toBe('allowlist');
    expect(rec.networkAllow).toContain(`127.0.0.1:${allowed.port}`);
  });

  it('scylla validate and --dry-run say whether runs will be sandboxed', async () => {
    const l = layout();
    const env = scyllaEnv(server.url, { HOME: l.home });
    const v = await runScylla(['validate', '--tiers-dir', l.tiersDir], env);
    expect(v.stderr).toBe('');
    expect(v.stdout).toContain('Sandbox: sandboxed with bubblewrap');
    const none = await runScylla(['validate', '--tiers-dir', l.tiersDir, '--sandbox', 'none'], env);
    expect(none.stdout).toContain('Sandbox: NOT SANDBOXED: --sandbox none');
    const dry = ['run', '--tiers-dir', l.tiersDir, '--tiers', 'T0', '--results-dir', l.results, '--dry-run'];
    expect((await runScylla(dry, env)).stdout).toContain('Sandbox: sandboxed with bubblewrap');
    // A PATH with git (the commit is checked before anything) but without bwrap.
    const onlyGit = tmpDir('scylla-path-');
    symlinkSync(execFileSync('which', ['git'], { encoding: 'utf8' }).trim(), join(onlyGit, 'git'));
    const noBwrap = await runScylla([...dry, '--sandbox', 'bwrap'], { ...env, PATH: onlyGit });
    expect(noBwrap.stdout).toMatch(/Sandbox: error: --sandbox bwrap: bwrap is not on PATH .*bubblewrap/);
  });
});
