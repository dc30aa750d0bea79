// Codex CLI turns of the scripted model server: streaming `POST /v1/responses` requests, the agent's cwd
// and prompt found in their input items, and the next scripted step turned into Responses output items.
import type { AgentStep, AgentTurn, ResolvedScript } from './model-server-script.js';
import { DEFAULT_USAGE } from './model-server-script.js';
import type { ApiStyle } from './model-server-judge.js';
import { isRecord, newId, textOf } from './model-server-wire.js';
import type { ResponsesItem, ResponsesStream } from './model-server-wire.js';

/** A streaming Responses request is an agent turn of the Codex CLI (our judges never stream). */
export function isCodexRequest(body: Record<string, unknown>, style: ApiStyle): boolean {
  return style === 'responses' && body.stream === true;
}

const inputItems = (body: Record<string, unknown>): Record<string, unknown>[] =>
  Array.isArray(body.input) ? body.input.filter(isRecord) : [];

const CALL_TYPES = new Set(['function_call', 'custom_tool_call']);
/** Our call ids carry the step that made them, so the next step follows statelessly from the history. */
const CALL_ID = /^call_s(\d+)_/;

/**
 * The step to answer: one more than the newest step whose calls are in the history since the last
 * user message (Codex sends the whole history every time); 0 at the start of a turn.
 */
function stepIndexOf(items: Record<string, unknown>[]): number {
  const lastUser = items.findLastIndex((i) => i.type === 'message' && i.role === 'user');
  let step = 0;
  let foreignCalls = 0;
  for (const item of items.slice(lastUser + 1)) {
    if (!CALL_TYPES.has(String(item.type))) continue;
    const m = CALL_ID.exec(typeof item.call_id === 'string' ? item.call_id : '');
    if (m) step = Math.max(step, Number(m[1]) + 1);
    else foreignCalls += 1;
  }
  return Math.max(step, foreignCalls);
}

/** The agent turn a Codex request asks for: cwd from `<environment_context>`, prompt = last user message. */
export function codexTurn(body: Record<string, unknown>, script: ResolvedScript): AgentTurn {
  const items = inputItems(body);
  const users = items.filter((i) => i.type === 'message' && i.role === 'user').map((i) => textOf(i.content));
  const context = users.find((t) => t.includes('<environment_context>')) ?? '';
  const cwd = /<cwd>([^<]+)<\/cwd>/.exec(context)?.[1]?.trim() ?? script.agent.cwd;
  const prompt = [...users].reverse().find((t) => !t.includes('<environment_context>')) ?? '';
  return {
    stepIndex: stepIndexOf(items),
    cwd,
    prompt,
    model: typeof body.model === 'string' ? body.model : 'codex-scripted',
    body,
  };
}

/** Names of the request's tools that take freeform input (`type: "custom"`, e.g. apply_patch). */
function customTools(body: Record<string, unknown>): Set<string> {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  return new Set(tools.filter((t) => t.type === 'custom').map((t) => String(t.name)));
}

/** Freeform input of a custom tool call: `input.input`, `input.patch`, or the only string value. */
function freeform(input: Record<string, unknown>): string {
  for (const k of ['input', 'patch']) if (typeof input[k] === 'string') return input[k];
  const strings = Object.values(input).filter((v): v is string => typeof v === 'string');
  return strings.length === 1 ? strings[0] : JSON.stringify(input);
}

/**
 * A step as Responses output items: `text` is an assistant message, each tool call a `function_call`
 * (JSON arguments, e.g. `exec_command` `{cmd}`) or, for custom tools such as `apply_patch`, a
 * `custom_tool_call` whose input is `input.input` / `input.patch`.
 */
export function codexAnswer(turn: AgentTurn, step: AgentStep, script: ResolvedScript): ResponsesStream {
  const calls = [...(step.tool ? [{ tool: step.tool, input: step.input ?? {} }] : []), ...(step.tools ?? [])];
  const custom = customTools(turn.body);
  const items: ResponsesItem[] = [];
  if (step.text !== undefined) {
    items.push({
      type: 'message',
      role: 'assistant',
      id: newId('msg'),
      status: 'completed',
      content: [{ type: 'output_text', text: step.text, annotations: [] }],
    });
  }
  calls.forEach((c, n) => {
    const callId = `call_s${turn.stepIndex}_${n}_${newId('x').slice(-8)}`;
    items.push(
      custom.has(c.tool)
        ? {
            type: 'custom_tool_call',
            id: newId('ctc'),
            call_id: callId,
            name: c.tool,
            input: freeform(c.input),
          }
        : {
            type: 'function_call',
            id: newId('fc'),
            call_id: callId,
            name: c.tool,
            arguments: JSON.stringify(c.input),
          },
    );
  });
  return { model: turn.model, items, usage: { ...DEFAULT_USAGE, ...script.agent.usage, ...step.usage } };
}
