// Parsing and classifying captured Claude Code 2.1.197 outputs (json and stream-json), incl. rate limits.
import { describe, expect, it } from 'vitest';
import { classifyRun } from '../../src/agent/classify.js';
import { StreamJsonReader, parseJsonOutput, parseTextOutput } from '../../src/agent/claude-output.js';
import type { ProcessResult } from '../../src/util/process.js';

const usage = (i: number, o: number) =>
  `"usage":{"input_tokens":${i},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":${o},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard"}`;
const result = (fields: string, u = usage(0, 0)) =>
  `{"type":"result",${fields},"session_id":"s-1",${u},"modelUsage":{},"permission_denials":[],"terminal_reason":"completed"}`;

// Captured from the real CLI against the scripted server (session ids and timings shortened).
const JSON_SUCCESS = result(
  '"subtype":"success","is_error":false,"api_error_status":null,"duration_ms":270,"num_turns":2,"result":"Done","stop_reason":"end_turn","total_cost_usd":0.009600000000000001',
  usage(2400, 160),
);
const JSON_429 = result(
  '"subtype":"success","is_error":true,"api_error_status":429,"duration_ms":299,"num_turns":1,"result":"API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit (scripted fault)","stop_reason":"stop_sequence","total_cost_usd":0',
);
const JSON_529 = result(
  '"subtype":"success","is_error":true,"api_error_status":529,"duration_ms":374,"num_turns":1,"result":"API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:38507).","stop_reason":"stop_sequence","total_cost_usd":0',
);
const JSON_MAX_TURNS = result(
  '"subtype":"error_max_turns","duration_ms":700,"is_error":true,"num_turns":2,"stop_reason":"tool_use","total_cost_usd":0.0048000000000000004,"errors":["Reached maximum number of turns (1)"]',
  usage(1200, 80),
);
const JSON_USAGE_CAP = result(
  `"subtype":"success","is_error":true,"api_error_status":429,"num_turns":1,"result":"API Error: Request rejected (429) · You've hit your limit · resets 3pm (America/Los_Angeles)","total_cost_usd":0`,
);
const JSON_MODEL_SAYS_429 = result(
  '"subtype":"success","is_error":false,"api_error_status":null,"num_turns":2,"result":"Handled the HTTP 429 rate limit error; it resets at 3pm.","total_cost_usd":0.0096',
  usage(2400, 160),
);
const JSON_TIMEOUT = result(
  '"subtype":"success","is_error":true,"api_error_status":null,"duration_ms":299789,"num_turns":1,"result":"Request timed out","total_cost_usd":0',
);

const assistant = (id: string, content: string, i = 1200) =>
  `{"type":"assistant","message":{"id":"${id}","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[${content}],"stop_reason":null,"usage":{"input_tokens":${i},"output_tokens":1,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}},"parent_tool_use_id":null,"session_id":"s-1"}`;
const STREAM_HEAD = [
  '{"type":"system","subtype":"init","cwd":"/ws","session_id":"s-1","tools":["Task","Bash","Read","Write"],"mcp_servers":[],"model":"claude-sonnet-4-5-20250929","permissionMode":"bypassPermissions","apiKeySource":"ANTHROPIC_API_KEY","claude_code_version":"2.1.197"}',
  '{"type":"system","subtype":"api_retry","attempt":1,"max_retries":1,"retry_delay_ms":7000,"error_status":429,"error":"rate_limit","session_id":"s-1"}',
  assistant('msg_1', '{"type":"text","text":"Writing it."}'),
  assistant(
    'msg_1',
    '{"type":"tool_use","id":"tu_1","name":"Write","input":{"file_path":"/ws/hello.py","content":"print(1)\\n"}}',
  ),
  '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"tu_1","type":"tool_result","content":"File created successfully"}]},"session_id":"s-1"}',
  assistant('msg_2', '{"type":"text","text":"Done"}', 1300),
];

function proc(p: Partial<ProcessResult>): ProcessResult {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    aborted: false,
    stdout: '',
    stderr: '',
    durationMs: 10,
    ...p,
  };
}
const json = (stdout: string, exitCode = 0) =>
  classifyRun(proc({ stdout, exitCode }), parseJsonOutput(stdout));

describe('json output', () => {
  it('reads usage, turns, cost and the final text of a success', () => {
    const out = parseJsonOutput(JSON_SUCCESS);
    expect(out.usage).toEqual({
      inputTokens: 2400,
      outputTokens: 160,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
    });
    expect(out.numTurns).toBe(2);
    expect(out.result?.total_cost_usd).toBeCloseTo(0.0096);
    expect(out.lastText).toBe('Done');
    expect(json(JSON_SUCCESS)).toEqual({ outcome: 'completed', isError: false });
  });

  it('finds the result object after warning lines', () => {
    expect(parseJsonOutput(`warning: something\n${JSON_SUCCESS}\n`).numTurns).toBe(2);
  });

  it('classifies 429, 529 and the usage cap as rate limits', () => {
    expect(json(JSON_429, 1)).toMatchObject({
      outcome: 'rate_limited',
      rateLimit: { kind: 'rate_limit', retryAfterMs: 60_000 },
    });
    expect(json(JSON_529, 1)).toMatchObject({ outcome: 'rate_limited', rateLimit: { kind: 'overloaded' } });
    const cap = json(JSON_USAGE_CAP, 1);
    expect(cap).toMatchObject({ outcome: 'rate_limited', rateLimit: { kind: 'usage_cap' } });
    expect(cap.rateLimit!.retryAfterMs).toBeGreaterThan(0);
    expect(cap.rateLimit!.retryAfterMs).toBeLessThanOrEqual(24 * 3_600_000 * 1.1);
  });

  it('calls max-turns an agent error, with the reason', () => {
    expect(json(JSON_MAX_TURNS, 1)).toEqual({
      outcome: 'agent_error',
      isError: true,
      errorMessage: 'error_max_turns: Reached maximum number of turns (1)',
    });
  });

  it('does not take a model answer mentioning 429 for a rate limit', () => {
    expect(json(JSON_MODEL_SAYS_429)).toEqual({ outcome: 'completed', isError: false });
  });

  it('calls an error with zero tokens (the model was never reached) an infrastructure failure', () => {
    expect(json(JSON_TIMEOUT, 1)).toMatchObject({
      outcome: 'infra_failed',
      errorMessage: expect.stringContaining('Request timed out'),
    });
    expect(json('', 1)).toMatchObject({ outcome: 'infra_failed' });
  });
});

describe('stream-json output', () => {
  it('counts turns by message id, keeps init and retries, and lets the result line override usage', () => {
    const r = new StreamJsonReader();
    for (const l of STREAM_HEAD) r.line(l);
    const partial = r.output();
    expect(partial.numTurns).toBe(2);
    expect(partial.usage).toEqual({
      inputTokens: 2500,
      outputTokens: 2,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
    });
    expect(partial.init).toMatchObject({ cwd: '/ws', claude_code_version: '2.1.197' });
    expect(partial.apiRetries).toEqual([{ errorStatus: 429, retryDelayMs: 7000, error: 'rate_limit' }]);
    expect(partial.lastText).toBe('Done');
    r.line('not json at all');
    r.line(JSON_SUCCESS);
    const done = r.output();
    expect(done.usage.inputTokens).toBe(2400);
    expect(done.usage.outputTokens).toBe(160);
    expect(classifyRun(proc({}), done)).toEqual({ outcome: 'completed', isError: false });
  });

  it('treats retries followed by a failure as a rate limit with the retry delay', () => {
    const r = new StreamJsonReader();
    for (const l of STREAM_HEAD.slice(0, 2)) r.line(l);
    r.line(JSON_TIMEOUT);
    expect(classifyRun(proc({ exitCode: 1 }), r.output())).toMatchObject({
      outcome: 'rate_limited',
      rateLimit: { kind: 'rate_limit', retryAfterMs: 7700 },
    });
  });

  it('keeps the partial usage of a killed run, and says timed_out / interrupted', () => {
    const r = new StreamJsonReader();
    for (const l of STREAM_HEAD) r.line(l);
    expect(classifyRun(proc({ exitCode: null, signal: 'SIGTERM', timedOut: true }), r.output()).outcome).toBe(
      'timed_out',
    );
    expect(classifyRun(proc({ exitCode: null, aborted: true }), r.output()).outcome).toBe('interrupted');
    expect(r.output().usage.inputTokens).toBe(2500);
  });
});

describe('process-level failures', () => {
  it('explains IS_SANDBOX when the CLI refuses to run as root', () => {
    const stderr =
      '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n';
    const c = classifyRun(proc({ exitCode: 1, stderr }), parseJsonOutput(''));
    expect(c).toMatchObject({
      outcome: 'infra_failed',
      errorMessage: expect.stringContaining('IS_SANDBOX=1'),
    });
  });

  it('falls back to the text patterns of non-JSON output', () => {
    const out = parseTextOutput(
      'Response: hi\nResponse: more\nTotal: 1,200 input tokens: 1,200\noutput tokens: 80\n',
    );
    expect(out.usage).toMatchObject({ inputTokens: 1200, outputTokens: 80 });
    expect(out.numTurns).toBe(2);
    expect(parseTextOutput('cost (300 input, 20 output)').usage).toMatchObject({
      inputTokens: 300,
      outputTokens: 20,
    });
    expect(parseTextOutput('API calls: 4').numTurns).toBe(4);
  });
});
