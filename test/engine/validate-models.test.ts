// Model validation up front, against the scripted model server serving only a known list of models.
import { afterEach, describe, expect, it } from 'vitest';
import { agentAdapters } from '../../src/agent/registry.js';
import { validateModels, type ValidateModelsOptions } from '../../src/engine/validate-models.js';
import { ConfigError } from '../../src/errors.js';
import { createClaudeCliTransport } from '../../src/judge/claude-cli-transport.js';
import { createJudgeTransport } from '../../src/judge/transport-registry.js';
import { TEST_API_KEY } from '../helpers/claude-env.js';
import { startModelServer, type ModelScript, type ModelServer } from '../helpers/model-server.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const OPUS = 'claude-opus-4-5-20251101';
const MODELS = [SONNET, OPUS, 'gpt-5.5'];

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(script: ModelScript = {}): Promise<ModelServer> {
  const s = await startModelServer({ models: MODELS, ...script });
  servers.push(s);
  return s;
}

function options(server: ModelServer, over: Partial<ValidateModelsOptions> = {}): ValidateModelsOptions {
  const env = {
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: TEST_API_KEY,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: TEST_API_KEY,
  };
  return {
    adapter: agentAdapters['claude-code'](),
    agentModel: 'sonnet-4-5',
    judges: [{ model: 'opus-4-5', transport: createJudgeTransport('anthropic', { env }) }],
    env,
    timeoutMs: 5000,
    ...over,
  };
}

describe('validateModels', () => {
  it('resolves aliases and checks each distinct model with one 1-token request', async () => {
    const server = await serve();
    const env = options(server).env;
    const judges = [
      { model: 'opus-4-5', transport: createJudgeTransport('anthropic', { env }) },
      { model: SONNET, transport: createJudgeTransport('anthropic', { env }) }, // same as the agent's
    ];
    const r = await validateModels(options(server, { judges }));
    expect(r.agentModel).toBe(SONNET);
    expect(r.judgeModels).toEqual([OPUS, SONNET]);
    expect(r.checks.map((c) => [c.role, c.model, c.outcome])).toEqual([
      ['agent', SONNET, 'ok'],
      ['judge', OPUS, 'ok'],
    ]);
    expect(server.requests.map((q) => [q.path, q.model, q.status, q.body.max_tokens])).toEqual([
      ['/v1/messages', SONNET, 200, 1],
      ['/v1/messages', OPUS, 200, 1],
    ]);
  });

  it('an unknown agent model is a ConfigError naming it and listing the aliases', async () => {
    const server = await serve();
    const err = await validateModels(options(server, { agentModel: 'sonnet-9' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("agent model 'sonnet-9' was not found by the anthropic API (HTTP 404");
    expect(msg).toContain('not_found_error');
    expect(msg).toContain(`sonnet, sonnet-4-5, claude-sonnet-4-5 → ${SONNET}`);
    expect(msg).toContain('haiku-4-5');
    expect(msg).not.toContain(TEST_API_KEY);
  });

  it('an unknown judge model on the OpenAI transport is a ConfigError too', async () => {
    const server = await serve();
    const env = options(server).env;
    const judges = [{ model: 'gpt-9-nope', transport: createJudgeTransport('openai', { env }) }];
    const err = await validateModels(options(server, { judges })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('judge model');
    expect((err as Error).message).toMatch(
      /judge model 'gpt-9-nope' was not found by the openai API \(.*404/,
    );
  });

  it('a Claude Code CLI judge is checked on the Messages API, never by running the CLI', async () => {
    const server = await serve();
    // A CLI that cannot start: running it would fail the check with another error.
    const cli = createClaudeCliTransport({ env: options(server).env, bin: '/nonexistent/claude' });
    const err = await validateModels(
      options(server, { judges: [{ model: 'haiku-4-5', transport: cli }] }),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /judge model 'haiku-4-5' \(= 'claude-haiku-4-5-20251001'\) was not found by the anthropic API/,
    );
    expect(server.requests.at(-1)).toMatchObject({
      path: '/v1/messages',
      model: 'claude-haiku-4-5-20251001',
    });
  });

  it('a rate limit during validation is logged and skipped, not a failure', async () => {
    const server = await serve({ faults: [{ request: 1, status: 429, retryAfter: 30 }] });
    const logs: string[] = [];
    const r = await validateModels(options(server, { log: (m) => logs.push(m) }));
    expect(r.checks.map((c) => c.outcome)).toEqual(['rate_limited', 'ok']);
    expect(logs.join('\n')).toMatch(/'claude-sonnet-4-5-20250929' \(anthropic\) was rate limited/);
  });

  it('the codex agent model is checked on the Responses API', async () => {
    const server = await serve();
    const ok = await validateModels(
      options(server, { adapter: agentAdapters.codex(), agentModel: 'gpt-5.5', judges: [] }),
    );
    expect(ok.checks).toMatchObject([{ model: 'gpt-5.5', via: 'openai-responses', outcome: 'ok' }]);
    expect(server.requests[0]).toMatchObject({ path: '/v1/responses', status: 200 });
    const err = await validateModels(
      options(server, { adapter: agentAdapters.codex(), agentModel: 'gpt-4-typo', judges: [] }),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /agent model 'gpt-4-typo' was not found by the openai-responses API/,
    );
  });

  it('an unreachable API is a ConfigError; the command agent is not checked', async () => {
    const server = await serve();
    const url = server.url;
    await server.close();
    const down = { ...options(server).env, ANTHROPIC_BASE_URL: url };
    const err = await validateModels(options(server, { env: down, judges: [] })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot reach the anthropic API .*ECONNREFUSED/);
    const logs: string[] = [];
    const r = await validateModels(
      options(server, { adapter: agentAdapters.command(), judges: [], log: (m) => logs.push(m) }),
    );
    expect(r.checks).toMatchObject([{ role: 'agent', outcome: 'unchecked' }]);
    expect(logs).toEqual(["agent 'command': its model is not checked"]);
  });
});
