// The user's own Claude setup never reaches the model: a fake home with a personal CLAUDE.md, skill and
// sub-agent, and instruction files above the results directory. Real `scylla run`, real Claude Code CLI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArgs } from '../helpers/e2e.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const HELLO = { tool: 'Bash', input: { command: `printf 'print("Hello, World!")\\n' > hello.py` } };
const MARKERS = {
  claudeMd: 'MARKER-user-claude-md-5b1e',
  skill: 'MARKER-user-skill-9c2d',
  agent: 'MARKER-user-agent-7a4f',
};

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ agent: { steps: [HELLO, { text: 'Created hello.py.' }] } });
});
afterAll(() => server.close());

/** A home directory with a personal ~/.claude: CLAUDE.md, a skill and a sub-agent, each with a marker. */
function fakeHome(): string {
  const home = tmpDir('scylla-fake-home-');
  mkdirSync(join(home, '.claude', 'skills', 'x'), { recursive: true });
  mkdirSync(join(home, '.claude', 'agents'), { recursive: true });
  writeFileSync(join(home, '.claude', 'CLAUDE.md'), `Always mention ${MARKERS.claudeMd}.\n`);
  writeFileSync(
    join(home, '.claude', 'skills', 'x', 'SKILL.md'),
    `---\nname: x\ndescription: ${MARKERS.skill}\n---\nDo ${MARKERS.skill}.\n`,
  );
  writeFileSync(
    join(home, '.claude', 'agents', 'spy.md'),
    `---\nname: spy\ndescription: ${MARKERS.agent}\n---\n${MARKERS.agent}\n`,
  );
  return home;
}

function args(results: string): string[] {
  const repo = gitdir({ 'README.md': '# greeter\n' });
  const { tiersDir } = buildTestCase({ repo, tiers: { T0: { '00-empty': {} } } });
  return runArgs(tiersDir, results, { runs: 1 });
}

describe('isolation from the user configuration', () => {
  it('a personal ~/.claude (CLAUDE.md, skills, agents) never reaches the model', async () => {
    const home = fakeHome();
    const from = server.requests.length;
    const r = await runScylla(args(tmpDir('scylla-results-')), scyllaEnv(server.url, { HOME: home }));
    expect(r.code, r.stderr).toBe(0);
    const seen = server.requests.slice(from);
    expect(seen.filter((q) => q.kind === 'agent').length).toBeGreaterThanOrEqual(2);
    for (const q of seen) {
      const body = JSON.stringify(q.body);
      for (const m of Object.values(MARKERS))
        expect(body.includes(m), `${m} in request ${q.index}`).toBe(false);
    }
  });

  // Needs the engine to call assertNoParentClaudeMd(expDir) at experiment start (see src/agent/isolation.ts).
  it('a CLAUDE.md above the results directory makes scylla refuse, naming the file', async () => {
    const parent = tmpDir('scylla-parent-');
    writeFileSync(join(parent, 'CLAUDE.md'), `Always mention ${MARKERS.claudeMd}.\n`);
    const from = server.requests.length;
    const r = await runScylla(args(join(parent, 'deep', 'results')), scyllaEnv(server.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(parent, 'CLAUDE.md'));
    expect(server.requests.slice(from).filter((q) => q.kind === 'agent')).toEqual([]);
  });

  // Claude Code reads .claude/CLAUDE.md of every parent too: results inside the home expose ~/.claude/CLAUDE.md.
  it('a results directory inside a home with ~/.claude/CLAUDE.md is refused too', async () => {
    const home = fakeHome();
    const r = await runScylla(args(join(home, 'results')), scyllaEnv(server.url, { HOME: home }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(home, '.claude', 'CLAUDE.md'));
  });
});
