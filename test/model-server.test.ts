// The scripted model server, driven by the real Claude Code CLI and by plain HTTP judge calls.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, test } from 'vitest';
import { claudeBin, claudeTestEnv } from './helpers/claude-env.js';
import { gitdir } from './helpers/gitdir.js';
import {
  JUDGE_MARKER,
  type ModelScript,
  type ModelServer,
  startModelServer,
} from './helpers/model-server.js';
import { tmpDir } from './helpers/tmp.js';

const MODEL = 'claude-sonnet-4-5-20250929';
// Closed after the file, not after each test: the CLI tests run concurrently.
const servers: ModelServer[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(script: ModelScript): Promise<ModelServer> {
  const s = await startModelServer(script);
  servers.push(s);
  return s;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The real CLI, headless: prompt first, stdin closed. */
function runClaude(server: ModelServer, cwd: string, prompt: string, args: string[]): Promise<CliRun> {
  const env = claudeTestEnv({ baseUrl: server.url, home: tmpDir('scylla-home-') });
  const started = Date.now();
  const flags = ['--model', MODEL, '--print', '--dangerously-skip-permissions', ...args];
  const child = spawn(claudeBin, [prompt, ...flags], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

const HELLO = "print('Hello, World!')\n";
const USAGE = {
  input_tokens: 1000,
  output_tokens: 50,
  cache_read_input_tokens: 300,
  cache_creation_input_tokens: 20,
};
const helloScript: ModelScript = {
  agent: {
    steps: [
      { tool: 'Write', input: { file_path: 'hello.py', content: HELLO } },
      { text: 'Created hello.py.' },
    ],
    usage: USAGE,
  },
};

describe.concurrent('with the real Claude Code CLI', () => {
  test('a 2-turn JSON run writes the file and reports the scripted text and usage', async () => {
    const repo = gitdir({ 'README.md': '# demo\n' }).path;
    const server = await serve(helloScript);
    const run = await runClaude(server, repo, 'Create hello.py', ['--output-format', 'json']);
    console.log(`2-turn CLI run: ${run.ms} ms wall`);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(repo, 'hello.py'), 'utf8')).toBe(HELLO);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ is_error: false, result: 'Created hello.py.', num_turns: 2 });
    expect(out.usage).toMatchObject({
      input_tokens: 2000,
      output_tokens: 100,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 40,
    });
    const agent = server.requests.filter((r) => r.kind === 'agent');
    expect(agent.length).toBeGreaterThanOrEqual(2);
    expect(agent.every((r) => r.cwd === repo && r.model === MODEL && r.status === 200)).toBe(true);
    expect(agent[0].path).toBe('/v1/messages?beta=true');
    expect(agent[0].headers['x-api-key']).toBe('[redacted]');
    // The tool call the CLI echoes back carries the path made absolute against the cwd.
    expect(JSON.stringify(agent[1].body.messages)).toContain(JSON.stringify(join(repo, 'hello.py')));
  });

  test('a stream-json run ends with a result line', async () => {
    const repo = gitdir({ 'README.md': '# demo\n' }).path;
    const server = await serve(helloScript);
    const run = await runClaude(server, repo, 'Create hello.py', [
      '--output-format',
      'stream-json',
      '--verbose',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'system', subtype: 'init', cwd: repo });
    const toolUse = lines.find((l) => l.type === 'assistant' && l.message.content[0].type === 'tool_use');
    expect(toolUse.message.content[0]).toMatchObject({
      name: 'Write',
      input: { file_path: join(repo, 'hello.py') },
    });
    expect(lines.at(-1)).toMatchObject({ type: 'result', is_error: false, result: 'Created hello.py.' });
    expect(existsSync(join(repo, 'hello.py'))).toBe(true);
  });

  test('a 429 fault on the first request fails the run with api_error_status 429', async () => {
    const repo = gitdir({ 'README.md': '# demo\n' }).path;
    const cap = "You've hit your limit · resets 3pm (America/Los_Angeles)";
    const server = await serve({
      ...helloScript,
      faults: [{ request: 1, status: 429, retryAfter: 7, message: cap }],
    });
    const run = await runClaude(server, repo, 'Create hello.py', ['--output-format', 'json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ is_error: true, api_error_status: 429 });
    expect(out.result).toContain(cap);
    expect(server.requests.map((r) => r.status)).toEqual([429]);
    expect(existsSync(join(repo, 'hello.py'))).toBe(false);
  });
});

const post = (server: ModelServer, path: string, body: unknown): Promise<Response> =>
  fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const judgeBody = (prompt: string, extra: Record<string, unknown> = {}) => ({
  model: 'claude-opus-4-5-20251101',
  max_tokens: 1000,
  system: [{ type: 'text', text: `You are the ${JUDGE_MARKER}. Reply with JSON.` }],
  messages: [{ role: 'user', content: prompt }],
  ...extra,
});

/** A non-streaming Messages answer. */
interface Msg {
  stop_reason: string;
  content: { type: string; text?: string; name?: string; input?: Record<string, unknown> }[];
}

/** The text of a non-streaming Messages answer. */
async function messageText(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  const json = (await res.json()) as { content: { text: string }[] };
  return json.content[0].text;
}

describe('judge calls over HTTP', () => {
  test('replies are handed out in order, then the default; rules win over replies', async () => {
    const server = await serve({
      judge: {
        replies: ['not json', { score: 0.5 }],
        rules: [{ match: 'SPECIAL', model: 'judge-b', reply: 'rule reply' }],
        default: { score: 0.9, passed: true },
      },
    });
    expect(await messageText(await post(server, '/v1/messages', judgeBody('grade run 1')))).toBe('not json');
    const special = judgeBody('SPECIAL run', { model: 'judge-b' });
    expect(await messageText(await post(server, '/v1/messages', special))).toBe('rule reply');
    expect(await messageText(await post(server, '/v1/messages', judgeBody('grade run 2')))).toBe(
      '{"score":0.5}',
    );
    expect(await messageText(await post(server, '/v1/messages', judgeBody('grade run 3')))).toBe(
      '{"score":0.9,"passed":true}',
    );
    expect(server.requests.map((r) => [r.index, r.kind])).toEqual([
      [1, 'judge'],
      [2, 'judge'],
      [3, 'judge'],
      [4, 'judge'],
    ]);
  });

  test('/v1/chat/completions gets an OpenAI-shaped answer', async () => {
    const server = await serve({
      judge: { replies: ['{"score":0.7}'], usage: { input_tokens: 321, output_tokens: 12 } },
    });
    const res = await post(server, '/v1/chat/completions', {
      model: 'gpt-5',
      messages: [
        { role: 'system', content: 'grade' },
        { role: 'user', content: 'the run' },
      ],
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-5',
      choices: [
        { index: 0, message: { role: 'assistant', content: '{"score":0.7}' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 321, completion_tokens: 12 },
    });
    expect(server.requests[0]).toMatchObject({ kind: 'judge', path: '/v1/chat/completions', status: 200 });
  });

  test('a streaming judge call gets SSE with the reply as text deltas', async () => {
    const server = await serve({ judge: { replies: ['{"score":1}'] } });
    const res = await post(server, '/v1/messages?beta=true', judgeBody('grade', { stream: true }));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map((e) => JSON.parse(e.split('\n')[1].slice('data: '.length)));
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[3].delta).toEqual({ type: 'text_delta', text: '{"score":1}' });
    expect(events[5]).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 80 } });
  });
});

const agentBody = (cwd: string | undefined, assistantTurns: number, prompt = 'do it') => ({
  model: MODEL,
  system: [
    {
      type: 'text',
      text: cwd ? `Env:\n - Primary working directory: ${cwd}\n - Is a git repository: true` : 'X',
    },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>ctx</system-reminder>' },
        { type: 'text', text: prompt },
      ],
    },
    ...Array.from({ length: assistantTurns }, () => [
      { role: 'assistant', content: [{ type: 'text', text: '...' }] },
      { role: 'user', content: [{ type: 'text', text: 'ok' }] },
    ]).flat(),
  ],
});

describe('agent turns and faults over HTTP', () => {
  test('the step follows from the conversation; rules pick steps by cwd or prompt; then "Done."', async () => {
    const server = await serve({
      agent: {
        steps: [{ tool: 'Read', input: { file_path: 'a.py' } }, { text: 'main end' }],
        rules: [{ match: 'T1/02', steps: [{ text: 'rule end' }] }],
      },
    });
    const first = (await (await post(server, '/v1/messages', agentBody('/w/T0/01', 0))).json()) as Msg;
    expect(first).toMatchObject({ stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'Read' }] });
    expect(first.content[0].input).toEqual({ file_path: '/w/T0/01/a.py' });
    expect(await messageText(await post(server, '/v1/messages', agentBody('/w/T0/01', 1)))).toBe('main end');
    expect(await messageText(await post(server, '/v1/messages', agentBody('/w/T1/02', 0)))).toBe('rule end');
    expect(await messageText(await post(server, '/v1/messages', agentBody('/w', 0, 'T1/02 task')))).toBe(
      'rule end',
    );
    expect(await messageText(await post(server, '/v1/messages', agentBody('/w/T0/01', 5)))).toBe('Done.');
    expect(server.requests[0]).toMatchObject({ kind: 'agent', cwd: '/w/T0/01', model: MODEL });
  });

  test('without a cwd line: agent.cwd, else Write/Read become Bash in the real cwd, else a 400', async () => {
    const step = { tool: 'Write', input: { file_path: 'sub/x.txt', content: "it's\n" } };
    const server = await serve({ agent: { steps: [step] } });
    const viaBash = (await (await post(server, '/v1/messages', agentBody(undefined, 0))).json()) as Msg;
    expect(viaBash.content[0].name).toBe('Bash');
    const command = String(viaBash.content[0].input?.command);
    const dir = tmpDir();
    execFileSync('bash', ['-c', command], { cwd: dir });
    expect(readFileSync(join(dir, 'sub', 'x.txt'), 'utf8')).toBe("it's\n");
    server.setScript({
      agent: { steps: [{ tool: 'Edit', input: { file_path: 'x.txt', old_string: 'a', new_string: 'b' } }] },
    });
    const res = await post(server, '/v1/messages', agentBody(undefined, 0));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('agent.cwd');
    server.setScript({ agent: { steps: [step], cwd: '/fallback' } });
    const ok = (await (await post(server, '/v1/messages', agentBody(undefined, 0))).json()) as Msg;
    expect(ok.content[0].input?.file_path).toBe('/fallback/sub/x.txt');
  });

  test('faults fire once, by overall index or by kind, with the Anthropic error shape', async () => {
    const server = await serve({
      faults: [
        { request: 1, status: 429, retryAfter: 7 },
        { kind: 'judge', nth: 1, status: 529 },
        { request: 3, status: 500, message: 'boom' },
        { kind: 'agent', nth: 3, delayMs: 300 },
      ],
    });
    const r1 = await post(server, '/v1/messages', agentBody('/w', 0));
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('7');
    expect(await r1.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const r2 = await post(server, '/v1/messages', judgeBody('grade'));
    expect(r2.status).toBe(529);
    expect(await r2.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    const r3 = await post(server, '/v1/messages', agentBody('/w', 0));
    expect(await r3.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'boom' } });
    const t0 = Date.now();
    expect((await post(server, '/v1/messages', agentBody('/w', 0))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect((await post(server, '/v1/messages', judgeBody('again'))).status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([429, 529, 500, 200, 200]);
    const other = await post(server, '/v1/nope', {});
    expect(other.status).toBe(404);
    expect(server.requests.at(-1)).toMatchObject({ kind: 'other', index: 0, status: 404 });
  });
});

describe('serve-model.ts (standalone)', () => {
  test('serves a JSON script file and prints its URL', async () => {
    const dir = tmpDir();
    const file = join(dir, 'script.json');
    writeFileSync(file, JSON.stringify({ judge: { replies: ['standalone reply'] } }));
    const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [join(import.meta.dirname, 'helpers', 'serve-model.ts'), '--script', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(judgeBody('grade')),
      });
      expect(await messageText(res)).toBe('standalone reply');
      expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  test('a bad script file is refused with exit 2 and the field named', async () => {
    const file = join(tmpDir(), 'bad.json');
    writeFileSync(file, '{\n  "faults": [{"status": 429}]\n}\n');
    const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [join(import.meta.dirname, 'helpers', 'serve-model.ts'), '--script', file]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('bad.json:2');
    expect(stderr).toContain('faults.0');
  });
});
