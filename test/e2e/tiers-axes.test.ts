// Every configuration axis reaches the real Claude Code CLI: system-prompt mode (T0/00 vs T0/01), a
// restricted tool set and an MCP server from the library (T2), a main agent and thinking off (T4), a
// broken MCP server (infra_failed, the agent never starts). Checked in the requests the scripted
// model server received, in agent/command_log.json, MODEL.md and the generated MCP files.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { echoServerCommand } from '../helpers/mcp-echo-server.js';
import { startModelServer, type ModelServer, type SeenRequest } from '../helpers/model-server.js';
import { runScylla, scyllaEnv } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const VERDICT = { score: 1, passed: true, reasoning: 'ok', criteria_scores: {} };

interface AgentResultFile {
  sessionId?: string;
}

describe('scylla run: each tier axis reaches the agent', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({
      agent: {
        steps: [{ text: 'Done.' }],
        rules: [
          {
            match: 'T2/01',
            steps: [{ tool: 'mcp__echo__echo_tool', input: { text: 'hi there' } }, { text: 'Echoed.' }],
          },
        ],
      },
      judge: { default: VERDICT },
    });
  });
  afterAll(() => server.close());

  it('sends each subtest exactly its configuration', async () => {
    const echoLog = join(tmpDir('scylla-echo-'), 'echo.log');
    const repo = gitdir({
      'README.md': '# greeter\n',
      '.mcp.json': JSON.stringify({ mcpServers: { stray: { command: 'node', args: ['-e', '0'] } } }),
    });
    const { tiersDir, resourcesDir } = buildTestCase({
      repo,
      tiers: {
        T0: { '00-empty': { system_prompt_mode: 'none' }, '01-vanilla': {} },
        T2: {
          '01-restricted-mcp': { tools: { enabled: ['Read', 'Write'] }, mcp_servers: ['echo'] },
          '02-broken-mcp': { mcp_servers: [{ name: 'broken', ...echoServerCommand({ fail: true }) }] },
        },
        T4: { '01-designer': { agent: 'designer', thinking: 'off' } },
      },
    });
    mkdirSync(join(resourcesDir, 'mcp'));
    writeFileSync(
      join(resourcesDir, 'mcp', 'echo.json'),
      JSON.stringify(echoServerCommand({ log: echoLog })),
    );
    const results = tmpDir('scylla-results-');
    // The echo server logs outside the workspace: the sandbox lets it only where the config says.
    const config = join(tmpDir('scylla-config-'), 'experiment.yaml');
    writeFileSync(config, `sandbox_writable:\n  - ${dirname(echoLog)}\n`);
    const res = await runScylla(
      [
        'run',
        '--config',
        config,
        '--tiers-dir',
        tiersDir,
        '--tiers',
        'T0',
        'T2',
        'T4',
        '--runs',
        '1',
        '--parallel',
        '2',
        '--results-dir',
        results,
      ],
      scyllaEnv(server.url),
    );
    const expDir = join(results, readdirSync(results)[0]);
    const runDir = (t: string, s: string) => join(expDir, t, s, 'run_01');
    const db = new Database(join(expDir, 'scylla.db'), { readonly: true });
    const states = Object.fromEntries(
      (
        db.prepare("SELECT tier||'/'||subtest AS k, state, failure_detail FROM runs").all() as {
          k: string;
          state: string;
          failure_detail: string | null;
        }[]
      ).map((r) => [r.k, r]),
    );
    db.close();
    for (const k of ['T0/00', 'T0/01', 'T2/01', 'T4/01'])
      expect(states[k]?.state, `${k}: ${JSON.stringify(states[k])}\n${res.stderr}`).toBe('cleaned');

    // Requests of each run, found by the session id the CLI reports in result.json.
    const requestsOf = (t: string, s: string): SeenRequest[] => {
      const result = JSON.parse(
        readFileSync(join(runDir(t, s), 'agent', 'result.json'), 'utf8'),
      ) as AgentResultFile;
      expect(result.sessionId).toBeTruthy();
      const reqs = server.requests.filter(
        (r) => r.kind === 'agent' && JSON.stringify(r.body.metadata ?? {}).includes(result.sessionId!),
      );
      expect(reqs.length, `${t}/${s}`).toBeGreaterThan(0);
      return reqs;
    };
    const systemText = (r: SeenRequest) =>
      ((r.body.system as { text: string }[]) ?? []).map((b) => b.text).join('');
    const toolNames = (r: SeenRequest) =>
      ((r.body.tools as { name: string }[]) ?? []).map((t) => t.name).sort();
    const args = (t: string, s: string) =>
      (
        JSON.parse(readFileSync(join(runDir(t, s), 'agent', 'command_log.json'), 'utf8')) as {
          commands: { command: string[]; env_vars: Record<string, string> }[];
        }
      ).commands[0];

    // System prompt: T0/00 sends only the 2 prefix blocks; T0/01 the CLI's default prompt (defect 6).
    const empty = requestsOf('T0', '00')[0];
    const vanilla = requestsOf('T0', '01')[0];
    expect(systemText(empty).length).toBeLessThan(300);
    expect(systemText(vanilla).length).toBeGreaterThan(5000);
    expect(args('T0', '00').command).toEqual(expect.arrayContaining(['--system-prompt', '']));
    expect(args('T0', '01').command).not.toContain('--system-prompt');
    // No MCP servers for subtests without any, even with a stray .mcp.json in the task repo.
    for (const r of [empty, vanilla]) expect(toolNames(r).some((n) => n.startsWith('mcp__'))).toBe(false);
    expect(args('T0', '01').command).toContain('--strict-mcp-config');
    expect(existsSync(join(runDir('T0', '01'), 'agent', 'mcp-config.json'))).toBe(false);

    // Tools + MCP: exactly Read, Write and the echo server's tool; the server really ran the call.
    const t2 = requestsOf('T2', '01');
    expect(toolNames(t2[0])).toEqual(['Read', 'Write', 'mcp__echo__echo_tool']);
    const cmd = args('T2', '01').command;
    const mcpFile = join(runDir('T2', '01'), 'agent', 'mcp-config.json');
    expect(cmd.slice(cmd.indexOf('--tools'), cmd.indexOf('--tools') + 2)).toEqual(['--tools', 'Read,Write']);
    expect(cmd.slice(cmd.indexOf('--mcp-config'), cmd.indexOf('--mcp-config') + 3)).toEqual([
      '--mcp-config',
      mcpFile,
      '--strict-mcp-config',
    ]);
    expect(args('T2', '01').env_vars.MCP_CONNECTION_NONBLOCKING).toBe('0');
    const mcpJson = JSON.parse(readFileSync(mcpFile, 'utf8')) as {
      mcpServers: Record<string, { command: string }>;
    };
    expect(Object.keys(mcpJson.mcpServers)).toEqual(['echo']);
    expect(readFileSync(join(runDir('T2', '01'), 'agent', 'MODEL.md'), 'utf8')).toContain(
      `--tools Read,Write`,
    );
    const calls = readFileSync(echoLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { method: string; params?: { arguments?: unknown } });
    expect(calls.filter((c) => c.method === 'tools/call').map((c) => c.params?.arguments)).toEqual([
      { text: 'hi there' },
    ]);
    expect(JSON.stringify(t2[t2.length - 1].body.messages)).toContain('echo: hi there');
    expect(readFileSync(join(runDir('T2', '01'), 'task_prompt.md'), 'utf8')).toMatch(
      /Use the following MCP server to complete this task:\n- echo\n/,
    );

    // A server that does not start: the run is an infrastructure failure and the agent never ran.
    expect(states['T2/02']).toMatchObject({ state: 'infra_failed' });
    expect(states['T2/02'].failure_detail).toMatch(/broken: exited \(code 3\)/);
    expect(existsSync(join(runDir('T2', '02'), 'agent', 'result.json'))).toBe(false);

    // Main agent and thinking off: the system prompt is the agent's body, its front-matter tools, no thinking.
    const t4 = requestsOf('T4', '01')[0];
    expect(systemText(t4)).toContain('You are the designer.');
    expect(toolNames(t4)).toEqual(['Grep', 'Read']);
    expect(t4.body.thinking).toBeUndefined();
    expect(args('T4', '01').command).toEqual(expect.arrayContaining(['--agent', 'designer']));
    expect(args('T4', '01').env_vars.CLAUDE_CODE_DISABLE_THINKING).toBe('1');
    expect(vanilla.body.thinking).toMatchObject({ type: 'enabled' });
  }, 150_000);
});
