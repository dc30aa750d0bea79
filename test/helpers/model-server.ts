// The scripted model server: a real HTTP server on 127.0.0.1 that answers the Claude Code CLI (agent
// turns) and our judges from a JSON script, records every request and injects faults.
/**
 * A script is plain JSON (see `model-server-script.ts` for the schema and MODEL-SERVER.md for a guide):
 *
 * ```jsonc
 * {
 *   "agent": {
 *     "steps": [                                                   // step i answers assistant turn i
 *       {"tool": "Write", "input": {"file_path": "hello.py", "content": "print(1)\n"}},  // path made absolute
 *       {"text": "Created hello.py."}                              // text only: end_turn
 *     ],
 *     "rules": [{"match": "T0/01", "steps": [...]}],               // regex on cwd or prompt; first wins
 *     "usage": {"input_tokens": 1200, "output_tokens": 80},
 *     "cwd": "/only/used/without/a/Primary-working-directory/line"
 *   },
 *   "judge": {
 *     "replies": ["not json", {"score": 0.5}],                     // k-th judge call not caught by a rule
 *     "rules": [{"match": "regex on the user prompt", "model": "exact id", "reply": "..."}],
 *     "default": {"score": 0.9, "passed": true, "reasoning": "ok", "criteria_scores": {}}
 *   },
 *   "faults": [{"request": 1, "status": 429, "retryAfter": 7}, {"kind": "judge", "nth": 2, "delayMs": 500}],
 *   "delayMs": 0                                                   // added to every agent answer
 * }
 * ```
 *
 * The step to answer is derived from the request alone (the number of assistant messages in it), so
 * concurrent agents and retried requests just work. When the steps run out the agent gets "Done.".
 * A Messages request is a judge call when its system prompt contains {@link JUDGE_MARKER}; requests
 * on `/v1/chat/completions` and non-streaming `/v1/responses` are judge calls (OpenAI formats); a
 * streaming `/v1/responses` request is a Codex CLI agent turn (SSE, see `model-server-codex.ts`).
 * With `models` in the script, any other model id gets a 404 `not_found_error`.
 * Every fault fires once; fault and reply counters restart when `setScript` is called.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { agentAnswer, agentTurn, stepFor, UnknownCwdError } from './model-server-agent.js';
import { codexAnswer, codexTurn, isCodexRequest } from './model-server-codex.js';
import { type ApiStyle, isJudgeRequest, judgeAnswer, type JudgeState } from './model-server-judge.js';
import {
  type ModelHooks,
  type ModelScript,
  ModelScriptSchema,
  type ResolvedScript,
} from './model-server-script.js';
import * as wire from './model-server-wire.js';

export { JUDGE_MARKER } from './model-server-judge.js';
export type * from './model-server-script.js';

/** One request the server received (the pre-connect `HEAD /` and `GET /` are not recorded). */
export interface SeenRequest {
  /** 1-based count of model requests (Messages, Chat Completions, Responses) since start; 0 for others. */
  index: number;
  /** `other`: count_tokens, unknown paths. */
  kind: 'agent' | 'judge' | 'other';
  method: string;
  /** Path with query, e.g. `/v1/messages?beta=true`. */
  path: string;
  /** Request headers; API keys are redacted. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (`{}` when the body was not JSON). */
  body: Record<string, unknown>;
  receivedAt: number;
  /** The HTTP status we answered (0 while the answer is pending). */
  status: number;
  /** The agent's working directory, when the server could tell it. */
  cwd?: string;
  model?: string;
}

/** A running server. */
export interface ModelServer {
  /** `http://127.0.0.1:PORT`, for ANTHROPIC_BASE_URL. */
  url: string;
  port: number;
  /** Every recorded request, in arrival order. */
  requests: SeenRequest[];
  /** Replace the script; fault and judge-reply counters restart. */
  setScript(s: ModelScript): void;
  close(): Promise<void>;
}

export interface ModelServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Called after each recorded request has been answered. */
  onRequest?: (r: SeenRequest) => void;
}

interface ScriptState {
  script: ResolvedScript;
  hooks?: ModelHooks;
  counts: { total: number; agent: number; judge: number };
  fired: Set<number>;
  judge: JudgeState;
}

function loadScript(s: ModelScript): ScriptState {
  const { hooks, ...data } = s;
  const parsed = ModelScriptSchema.safeParse(data);
  if (!parsed.success) throw new Error(`invalid model script:\n${z.prettifyError(parsed.error)}`);
  const counts = { total: 0, agent: 0, judge: 0 };
  return { script: parsed.data, hooks, counts, fired: new Set(), judge: { answered: 0, replyCursor: 0 } };
}

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'api-key']);
const STYLES: Record<string, ApiStyle> = {
  '/v1/messages': 'messages',
  '/messages': 'messages',
  '/v1/chat/completions': 'chat',
  '/chat/completions': 'chat',
  '/v1/responses': 'responses',
  '/responses': 'responses',
};

/** Start a server on 127.0.0.1 answering from `script`. */
export async function startModelServer(
  script: ModelScript = {},
  options: ModelServerOptions = {},
): Promise<ModelServer> {
  let state = loadScript(script);
  let modelRequests = 0;
  const requests: SeenRequest[] = [];

  async function answer(seen: SeenRequest, res: ServerResponse, raw: string): Promise<number> {
    const path = seen.path.split('?')[0];
    const style = seen.method === 'POST' ? STYLES[path] : undefined;
    if (seen.method === 'POST' && /\/messages\/count_tokens$/.test(path)) {
      wire.sendJson(res, 200, { input_tokens: Math.ceil(raw.length / 4) });
      return 200;
    }
    if (!style) {
      wire.sendJson(
        res,
        404,
        wire.errorBody(404, `scripted model server: no route ${seen.method} ${path}`, 'anthropic'),
      );
      return 404;
    }
    const st = state;
    const body = seen.body;
    const codex = isCodexRequest(body, style);
    const kind = !codex && isJudgeRequest(body, style) ? 'judge' : 'agent';
    seen.index = ++modelRequests;
    seen.kind = kind;
    seen.model = typeof body.model === 'string' ? body.model : undefined;
    const total = ++st.counts.total;
    const nth = ++st.counts[kind];
    const turn = codex
      ? codexTurn(body, st.script)
      : kind === 'agent'
        ? agentTurn(body, st.script)
        : undefined;
    seen.cwd = turn?.cwd;

    const faults = st.script.faults
      .map((f, i) => ({ f, i }))
      .filter(({ f, i }) => !st.fired.has(i) && (f.request === total || (f.kind === kind && f.nth === nth)));
    for (const { i } of faults) st.fired.add(i);
    const delay = faults.reduce(
      (ms, { f }) => ms + (f.delayMs ?? 0),
      kind === 'agent' ? st.script.delayMs : 0,
    );
    if (delay > 0) await sleep(delay);

    const errStyle = style === 'messages' ? 'anthropic' : 'openai';
    if (st.script.models && seen.model !== undefined && !st.script.models.includes(seen.model)) {
      wire.sendJson(res, 404, wire.modelNotFoundBody(seen.model, errStyle));
      return 404;
    }
    const failing = faults.find(({ f }) => f.status !== undefined)?.f;
    if (failing?.status !== undefined) {
      const headers: Record<string, string> =
        failing.retryAfter !== undefined ? { 'retry-after': String(failing.retryAfter) } : {};
      wire.sendJson(res, failing.status, wire.errorBody(failing.status, failing.message, errStyle), headers);
      return failing.status;
    }
    if (Object.keys(body).length === 0) {
      wire.sendJson(
        res,
        400,
        wire.errorBody(400, 'scripted model server: body is not a JSON object', errStyle),
      );
      return 400;
    }
    if (codex && turn) {
      wire.sendResponsesSse(res, codexAnswer(turn, stepFor(turn, st.script, st.hooks), st.script));
      return 200;
    }
    let a: wire.Answer;
    try {
      a = turn
        ? agentAnswer(turn, stepFor(turn, st.script, st.hooks), st.script)
        : judgeAnswer(body, style, st.script, st.hooks, st.judge);
    } catch (e) {
      if (!(e instanceof UnknownCwdError)) throw e;
      wire.sendJson(res, 400, wire.errorBody(400, e.message, errStyle));
      return 400;
    }
    if (style === 'chat') wire.sendJson(res, 200, wire.chatCompletionJson(a));
    else if (style === 'responses') wire.sendJson(res, 200, wire.responsesJson(a));
    else if (body.stream === true) wire.sendMessageSse(res, a);
    else wire.sendJson(res, 200, wire.messageJson(a));
    return 200;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined); // a client that hung up during a delay is not our failure
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if ((method === 'HEAD' || method === 'GET') && path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(method === 'GET' ? 'scripted model server\n' : undefined);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (wire.isRecord(parsed)) body = parsed;
    } catch {
      // recorded with an empty body; answered 400 if it was a model request
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, SECRET_HEADERS.has(k) ? '[redacted]' : v]),
    );
    const seen: SeenRequest = {
      index: 0,
      kind: 'other',
      method,
      path,
      headers,
      body,
      receivedAt: Date.now(),
      status: 0,
    };
    requests.push(seen);
    try {
      seen.status = await answer(seen, res, raw);
    } catch (e) {
      seen.status = 500;
      if (!res.headersSent)
        wire.sendJson(res, 500, wire.errorBody(500, `scripted model server bug: ${String(e)}`, 'anthropic'));
      else res.end();
    }
    options.onRequest?.(seen);
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setScript(s: ModelScript): void {
      state = loadScript(s);
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
