// A test case in the original's later layout (no tier directories: one shared subtests/tN/NN-name.yaml
// per subtest, tiers.yaml) runs with the real Claude Code CLI against the scripted model server;
// `--subtests` runs exactly the chosen runs; the agent process of an `agent_teams` subtest has
// CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1 and the others do not (seen by the agent's own shell).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbRows, experimentDirs, HELLO_STEP, PASS_VERDICT } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

/** The agent's shell writes what it sees of the variable into teams.txt, then does the task. */
const TEAMS_STEP = {
  tool: 'Bash',
  input: { command: `printf '%s\\n' "\${CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS:-unset}" > teams.txt` },
};

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({
    agent: { steps: [TEAMS_STEP, HELLO_STEP, { text: 'Created hello.py.' }] },
    judge: { default: PASS_VERDICT },
  });
});
afterAll(() => server.close());

describe('scylla run: the later layout', () => {
  it('runs exactly the chosen shared subtests, agent teams only where asked', async () => {
    const repo = gitdir({ 'README.md': '# greeter\n' });
    const { tiersDir } = buildTestCase({
      repo,
      layout: 'shared',
      language: 'other',
      tiers: {
        T0: {
          '00-empty': { system_prompt_mode: 'none' },
          '01-vanilla': {},
          '02-b1': { resources: { claude_md: { blocks: ['B01'] } } },
        },
        T4: {
          '01-lead': { resources: { agents: { levels: [2] } } },
          '08-lead-teams': { agent_teams: true, resources: { agents: { levels: [2] } } },
        },
        T5: {
          '01-best-lead': { inherit_best_from: ['T4'] },
          '02-best-prompts': { inherit_best_from: ['T0'] },
        },
      },
      libraryFiles: { 'tiers.yaml': 'tiers:\n  T4: {name: Hierarchy, description: Orchestrators}\n' },
    });
    const results = tmpDir('scylla-results-');
    const res = await runScylla(
      [
        'run',
        '--tiers-dir',
        tiersDir,
        '--subtests',
        'T0/01,T4',
        '--runs',
        '1',
        '--parallel',
        '2',
        '--results-dir',
        results,
      ],
      scyllaEnv(server.url),
    );
    expect(res.code, res.stderr).toBe(0);
    const [expDir] = experimentDirs(results);
    const runs = dbRows<{ k: string; state: string }>(
      expDir,
      "SELECT tier||'/'||subtest AS k, state FROM runs ORDER BY k",
    );
    expect(runs).toEqual([
      { k: 'T0/01', state: 'cleaned' },
      { k: 'T4/01', state: 'cleaned' },
      { k: 'T4/08', state: 'cleaned' },
    ]);
    const run = (t: string, s: string, f: string) => readFileSync(join(expDir, t, s, 'run_01', f), 'utf8');
    // What the agent's own shell saw, from each run's diff.
    expect(run('T4', '08', 'diff.patch')).toMatch(/\+\+\+ b\/teams\.txt\n@@ .* @@\n\+1\n/);
    for (const [t, s] of [
      ['T0', '01'],
      ['T4', '01'],
    ])
      expect(run(t, s, 'diff.patch'), `${t}/${s}`).toMatch(/\+\+\+ b\/teams\.txt\n@@ .* @@\n\+unset\n/);
    expect(run('T4', '08', 'agent/MODEL.md')).toContain('on (CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1)');
    expect(run('T4', '01', 'agent/MODEL.md')).not.toContain('AGENT_TEAMS');
    // tiers.yaml names and describes the tier in the reports.
    const tierReport = readFileSync(join(expDir, 'T4', 'report.md'), 'utf8');
    expect(tierReport).toMatch(/^# Tier Report: T4 — Hierarchy\n\nOrchestrators\n/);
    expect(readFileSync(join(expDir, 'report.md'), 'utf8')).toContain('### T4 — Hierarchy');
    // The fingerprint tells the two apart; T0 was run in part, so it has no recorded winner.
    const fps = dbRows<{ subtest: string; fingerprint: string }>(
      expDir,
      "SELECT subtest, fingerprint FROM subtests WHERE tier = 'T4'",
    );
    expect(new Set(fps.map((f) => f.fingerprint)).size).toBe(2);
    expect(
      dbRows<{ tier: string }>(expDir, 'SELECT tier FROM tier_winners ORDER BY tier').map((w) => w.tier),
    ).toEqual(['T4']);
  });
});
