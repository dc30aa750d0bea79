// MCP config generation, command resolution (subtest > library > registry > source) and the pre-run handshake.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../src/errors.js';
import { mcpConfigJson, writeMcpConfig } from '../../src/mcp/config-file.js';
import { checkMcpServer } from '../../src/mcp/handshake.js';
import { prepareMcp } from '../../src/mcp/prepare.js';
import { mcpCommandFor } from '../../src/fixture/mcp-commands.js';
import { echoServerCommand } from '../helpers/mcp-echo-server.js';
import { tmpDir } from '../helpers/tmp.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('MCP commands', () => {
  it('come from the subtest, else the library entry, else the registry, else the source scope', () => {
    expect(
      mcpCommandFor({ name: 'time', command: 'my-time', args: ['-v'] }, { command: 'lib' }),
    ).toMatchObject({ command: 'my-time', args: ['-v'], origin: 'subtest' });
    expect(mcpCommandFor({ name: 'time' }, { command: 'lib', args: ['a'] })).toMatchObject({
      command: 'lib',
      args: ['a'],
      origin: 'library',
    });
    expect(mcpCommandFor({ name: 'time' }, undefined)).toMatchObject({
      command: 'uvx',
      args: ['mcp-server-time'],
      origin: 'registry',
    });
    expect(mcpCommandFor({ name: 'filesystem' }, undefined)?.args).toContain(
      '@modelcontextprotocol/server-filesystem',
    );
    expect(mcpCommandFor({ name: 'thing', source: 'acme' }, undefined)).toMatchObject({
      command: 'npx',
      args: ['-y', '@acme/thing'],
      origin: 'source',
    });
    expect(mcpCommandFor({ name: 'nobody-knows' }, undefined)).toBeNull();
  });

  it('become a stdio config file Claude Code reads, written only when there are servers', () => {
    const dir = tmpDir('scylla-mcp-');
    expect(writeMcpConfig(dir, [])).toBeUndefined();
    const file = writeMcpConfig(dir, [
      { name: 'zeta', command: 'z' },
      { name: 'echo', command: 'node', args: ['e.js'], env: { A: '1' } },
    ]);
    expect(file).toBe(join(dir, 'mcp-config.json'));
    const json = JSON.parse(readFileSync(file!, 'utf8')) as { mcpServers: Record<string, unknown> };
    expect(Object.keys(json.mcpServers)).toEqual(['echo', 'zeta']);
    expect(json.mcpServers.echo).toEqual({ type: 'stdio', command: 'node', args: ['e.js'], env: { A: '1' } });
    expect(() => mcpConfigJson([{ name: 'x' }])).toThrow(/has no command/);
  });
});

describe('MCP handshake', () => {
  it('lists the tools of a working server as the agent will see them', async () => {
    const log = join(tmpDir('scylla-mcp-'), 'echo.log');
    const check = await checkMcpServer(
      { name: 'echo', ...echoServerCommand({ log }) },
      { cwd: tmpDir(), env },
    );
    expect(check.ok, check.error).toBe(true);
    expect(check.tools).toEqual(['mcp__echo__echo_tool']);
    const methods = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { method: string }).method);
    expect(methods).toEqual(['initialize', 'notifications/initialized', 'tools/list']);
  });

  it('fails for a server that exits, one whose command does not exist, and one that never answers', async () => {
    const cwd = tmpDir();
    const exits = await checkMcpServer({ name: 'bad', ...echoServerCommand({ fail: true }) }, { cwd, env });
    expect(exits).toMatchObject({ ok: false, tools: [] });
    expect(exits.error).toMatch(
      /exited \(code 3\) without answering tools\/list; stderr: echo server: told to fail/,
    );
    const missing = await checkMcpServer({ name: 'gone', command: '/nonexistent/mcp-server' }, { cwd, env });
    expect(missing.error).toMatch(/could not start '\/nonexistent\/mcp-server'/);
    const silent = await checkMcpServer(
      { name: 'silent', command: 'sleep', args: ['30'] },
      { cwd, env, timeoutMs: 500 },
    );
    expect(silent.error).toMatch(/no tools\/list answer within 0.5 s/);
  });

  it('prepareMcp writes the config and the check record, and throws an AgentError naming the broken server', async () => {
    const agentDir = join(tmpDir('scylla-run-'), 'agent');
    const ok = await prepareMcp([{ name: 'echo', ...echoServerCommand() }], {
      agentDir,
      workspace: tmpDir(),
      baseEnv: process.env,
    });
    expect(ok.configFile).toBe(join(agentDir, 'mcp-config.json'));
    expect(JSON.parse(readFileSync(join(agentDir, 'mcp-check.json'), 'utf8')).servers[0]).toMatchObject({
      name: 'echo',
      ok: true,
    });

    const badDir = join(tmpDir('scylla-run-'), 'agent');
    const err = await prepareMcp(
      [
        { name: 'echo', ...echoServerCommand() },
        { name: 'broken', ...echoServerCommand({ fail: true }) },
      ],
      { agentDir: badDir, workspace: tmpDir(), baseEnv: process.env },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect((err as Error).message).toMatch(/broken: exited/);
    expect((err as Error).message).not.toMatch(/echo:/);
    expect(existsSync(join(badDir, 'mcp-check.json'))).toBe(true);
  });
});
