// The bad-input corpus (issue 14, item 5): every malformed input — test.yaml, prompt, criteria, rubric,
// subtests in both layouts, tiers.yaml, the test-level config.yaml, the resource library, `--config`,
// flags, the results directory — is an exit ≠ 0 from `run` naming file, line, field and value, the
// same problem from `validate`, no stack trace, and nothing created: no experiment directory, no lock
// file, no agent started. The few inputs accepted on purpose (README "Bad input") warn, naming them.
// In-process (`main([...])`): the whole corpus takes seconds.
import { appendFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gitdir } from '../helpers/gitdir.js';
import { TEST_YAML } from './bad-input-cases-test-yaml.js';
import { TEXTS } from './bad-input-cases-texts.js';
import { FLAG_INPUTS } from './bad-input-cases-flags.js';
import { SUBTEST_FILES } from './bad-input-cases-subtests.js';
import { cli, createdIn, makeCase, markingAgent, placePieces, type BadCase } from './bad-input-kit.js';

const CORPUS: BadCase[] = [...TEST_YAML, ...TEXTS, ...SUBTEST_FILES, ...FLAG_INPUTS];
const NO_CRASH = /internal error|\n\s+at .*:\d+:\d+|Error: /;

describe('reliability: the bad-input corpus', () => {
  let repo: { path: string; commit: string };
  beforeAll(() => {
    repo = gitdir({ 'README.md': '# task\n' });
    // Should a case get as far as a judge, it must not reach anything.
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-bad-input-corpus');
    vi.stubEnv('ANTHROPIC_BASE_URL', 'http://127.0.0.1:9');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('has at least 75 distinct cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(75);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  for (const bc of CORPUS)
    it.skipIf(bc.skip === true)(bc.name, async () => {
      const c = makeCase(bc, repo);
      const agent = markingAgent();
      bc.setup?.(c);
      const extra = bc.flags?.(c) ?? [];
      const tiersDir = extra.includes('--tiers-dir') ? [] : ['--tiers-dir', c.tiersDir];
      const run = await cli([
        'run',
        ...tiersDir,
        '--results-dir',
        c.results,
        '--agent',
        'command',
        '--agent-bin',
        agent.bin,
        '--skip-validation',
        '--runs',
        '1',
        ...(bc.exit === 0 ? ['--dry-run'] : []),
        ...extra,
      ]);
      const place = placePieces(bc.at?.(c) ?? {});
      // SCYLLA_BAD_INPUT_LOG=FILE: every case's messages, for reading them all at once.
      if (process.env.SCYLLA_BAD_INPUT_LOG)
        appendFileSync(process.env.SCYLLA_BAD_INPUT_LOG, `## ${bc.name} (run: ${run.code})\n${run.out}\n`);
      expect(run.code, run.out).toBe(bc.exit);
      for (const piece of place) expect(run.out).toContain(piece);
      if (bc.says) expect(run.out).toMatch(bc.says);
      expect(run.out).not.toMatch(NO_CRASH);
      expect(createdIn(c.results), 'created in the results directory').toEqual([]);
      expect(existsSync(agent.mark), 'an agent started').toBe(false);

      if (bc.validateFlags === null) return;
      const vFlags = bc.validateFlags?.(c) ?? [];
      const v = await cli([
        'validate',
        ...(vFlags.includes('--tiers-dir') ? [] : ['--tiers-dir', c.tiersDir]),
        ...vFlags,
      ]);
      expect(v.code, v.out).toBe(bc.exit);
      for (const piece of place) expect(v.out).toContain(piece);
      if (bc.says) expect(v.out).toMatch(bc.says);
      expect(v.out).not.toMatch(NO_CRASH);
    });
});
