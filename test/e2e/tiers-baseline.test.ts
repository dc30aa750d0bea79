// Baseline inheritance end to end, on the original fixture layout (test case under
// tests/fixtures/tests/test-001, resources three levels up): T0's recorded winner is the baseline of
// T5, T5's of T6; killed with SIGKILL after T0 and resumed, the same recorded baselines are used.
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const HELLO = { tool: 'Bash', input: { command: `printf 'print("Hello, World!")\\n' > hello.py` } };

function query<T>(expDir: string, sql: string): T[] {
  const db = new Database(join(expDir, 'scylla.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

interface Manifest {
  resolved: {
    claudeMd: { blocks: string[] };
    skills: { name: string }[];
    inherited: { fromTier: string; fromSubtest: string } | null;
    inheritedWinners: { fromTier: string; fromSubtest: string }[];
  };
}

describe('scylla run: T0 + T5 + T6 baselines', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({
      // Only T0/02 does the task, so it wins T0; T5 and T6 do it too.
      agent: {
        steps: [{ text: 'Nothing to do.' }],
        rules: [{ match: 'T0/02|T5/|T6/', steps: [HELLO, { text: 'Created hello.py.' }] }],
      },
      judge: {
        rules: [
          {
            match: '\\+print\\("Hello',
            reply: { score: 1, passed: true, reasoning: 'done', criteria_scores: {} },
          },
        ],
        default: { score: 0.1, passed: false, reasoning: 'nothing done', criteria_scores: {} },
      },
      delayMs: 150,
    });
  });
  afterAll(() => server.close());

  it('layers T5 on the recorded T0 winner and T6 on T5, and a resume keeps the same baselines', async () => {
    const repo = gitdir({ 'README.md': '# greeter\n' });
    const { tiersDir } = buildTestCase({
      repo,
      layout: 'original',
      tiers: {
        T0: {
          '00-empty': { system_prompt_mode: 'none' },
          '01-vanilla': {},
          '02-b1': { resources: { claude_md: { blocks: ['B01'] } } },
        },
        T5: {
          '01-layered': { resources: { skills: { names: ['lint-fix'] } } },
          '02-merged': { inherit_best_from: ['T0'], resources: { claude_md: { blocks: ['B03'] } } },
        },
        // Root-level `skills` overrides `resources.skills` (original layout rule).
        T6: {
          '01-top': { skills: { names: ['test-first'] }, resources: { skills: { categories: ['quality'] } } },
        },
      },
    });
    const results = tmpDir('scylla-results-');
    const args = [
      'run',
      '--tiers-dir',
      tiersDir,
      '--tiers',
      'T0',
      'T5',
      'T6',
      '--runs',
      '1',
      '--parallel',
      '2',
      '--results-dir',
      results,
    ];
    const env = scyllaEnv(server.url);

    // First invocation: kill it once T0's winner is recorded and T5 has started.
    const first = startScylla(args, env);
    let expDir = '';
    for (let i = 0; i < 1500 && !expDir; i++) {
      await sleep(100);
      const dirs = existsSync(results) ? readdirSync(results) : [];
      if (!dirs.length || !existsSync(join(results, dirs[0], 'scylla.db'))) continue;
      const d = join(results, dirs[0]);
      const t5 = query<{ state: string }>(d, "SELECT state FROM runs WHERE tier = 'T5'");
      if (
        query(d, "SELECT 1 FROM tier_winners WHERE tier = 'T0'").length &&
        t5.some((r) => r.state !== 'pending')
      ) {
        first.child.kill('SIGKILL');
        expDir = d;
      }
    }
    const killed = await first.done;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const before = query<{ k: string; fingerprint: string }>(
      expDir,
      "SELECT tier||'/'||subtest AS k, fingerprint FROM subtests WHERE tier = 'T5'",
    );
    expect(before).toHaveLength(2);

    const second = await runScylla(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('resuming');

    // The recorded winners and the group baseline.
    expect(query(expDir, 'SELECT tier, subtest FROM tier_winners ORDER BY tier')).toEqual([
      { tier: 'T0', subtest: '02' },
      { tier: 'T5', subtest: expect.stringMatching(/^0[12]$/) },
      { tier: 'T6', subtest: '01' },
    ]);
    expect(query(expDir, "SELECT tier, subtest FROM group_winners WHERE group_key = 'T0'")).toEqual([
      { tier: 'T0', subtest: '02' },
    ]);
    // The resumed T5 subtests resolved to the very same configurations.
    expect(
      query(expDir, "SELECT tier||'/'||subtest AS k, fingerprint FROM subtests WHERE tier = 'T5'"),
    ).toEqual(before);

    const manifest = (t: string, s: string) =>
      JSON.parse(readFileSync(join(expDir, t, s, 'run_01', 'config_manifest.json'), 'utf8')) as Manifest;
    // T5/01 extends the previous group's winner (T0/02: block B01) with its own skill.
    const layered = manifest('T5', '01').resolved;
    expect(layered.inherited).toEqual({ fromTier: 'T0', fromSubtest: '02' });
    expect(layered.claudeMd.blocks).toEqual(['B01']);
    expect(layered.skills.map((s) => s.name)).toEqual(['lint-fix']);
    // T5/02 merges the listed winners; its own block replaces theirs.
    const merged = manifest('T5', '02').resolved;
    expect(merged.inheritedWinners).toEqual([{ fromTier: 'T0', fromSubtest: '02' }]);
    expect(merged.claudeMd.blocks).toEqual(['B03']);
    // T6 builds on T5's winner; root-level skills override resources.skills.
    const top = manifest('T6', '01').resolved;
    const t5winner = query<{ subtest: string }>(
      expDir,
      "SELECT subtest FROM tier_winners WHERE tier = 'T5'",
    )[0].subtest;
    expect(top.inherited).toEqual({ fromTier: 'T5', fromSubtest: t5winner });
    expect(top.skills.map((s) => s.name)).toEqual(
      t5winner === '01' ? ['lint-fix', 'test-first'] : ['test-first'],
    );

    // The agent of T5/01 really got the baseline's CLAUDE.md and its skill; the prompt suffix names the skill.
    const t5req = server.requests.find((r) => r.kind === 'agent' && (r.cwd ?? '').includes('/T5/01/'));
    expect(t5req).toBeDefined();
    const msg0 = JSON.stringify((t5req!.body.messages as unknown[])[0]);
    expect(msg0).toContain('A tiny Python project.');
    expect(msg0).toContain('lint-fix: Fix lint errors.');
    expect(readFileSync(join(expDir, 'T5', '01', 'run_01', 'task_prompt.md'), 'utf8')).toContain(
      'Use the following skill to complete this task:\n- lint-fix\n',
    );
  }, 180_000);
});
