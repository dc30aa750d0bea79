// `scylla run --agent codex` end to end: the real Codex CLI does the task against the scripted server,
// the run is judged, and its artefacts say which agent ran.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const codexBin = fileURLToPath(new URL('../../node_modules/.bin/codex', import.meta.url));
const PATCH = '*** Begin Patch\n*** Add File: hello.py\n+print("Hello, World!")\n*** End Patch\n';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({
    agent: { steps: [{ tool: 'apply_patch', input: { patch: PATCH } }, { text: 'Created hello.py.' }] },
  });
});
afterAll(() => server.close());

describe('scylla run --agent codex', () => {
  it('runs the task with the real Codex CLI and judges the result', async () => {
    const repo = gitdir({ 'README.md': '# greeter\n' });
    const { tiersDir } = buildTestCase({ repo, tiers: { T0: { '00-empty': {} } } });
    const results = tmpDir('scylla-results-');
    const args = ['run', '--tiers-dir', tiersDir, '--tiers', 'T0', '--runs', '1', '--results-dir', results];
    const env = scyllaEnv(server.url, { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-codex-e2e' });
    const r = await runScylla(
      [...args, '--agent', 'codex', '--agent-bin', codexBin, '--model', 'gpt-5.5'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const [exp] = readdirSync(results);
    const agentDir = join(results, exp, 'T0', '00', 'run_01', 'agent');
    const result = JSON.parse(readFileSync(join(agentDir, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ failure: 'completed', resultText: 'Created hello.py.', numTurns: 2 });
    expect(readFileSync(join(agentDir, 'MODEL.md'), 'utf8')).toContain(
      'Agent: codex, version: codex-cli 0.169.0',
    );
    expect(readFileSync(join(results, exp, 'T0', '00', 'run_01', 'diff.patch'), 'utf8')).toContain(
      '+print("Hello, World!")',
    );
    const kinds = server.requests.map((q) => `${q.kind} ${q.path}`);
    expect(kinds.filter((k) => k === 'agent /v1/responses')).toHaveLength(2);
    expect(kinds.some((k) => k.startsWith('judge'))).toBe(true);
  });
});
