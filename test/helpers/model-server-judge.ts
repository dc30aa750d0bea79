// Judge calls of the scripted model server: recognising them, reading their prompt, choosing the reply.
import type { JudgeCall, JudgeReply, ModelHooks, ResolvedScript } from './model-server-script.js';
import { DEFAULT_USAGE } from './model-server-script.js';
import { type Answer, isRecord, messagesOf, textOf } from './model-server-wire.js';

/** A Messages request whose system prompt contains this text is a judge call. */
export const JUDGE_MARKER = 'Scylla judge';

/** Which wire format a model request uses. */
export type ApiStyle = 'messages' | 'chat' | 'responses';

/** System text and user text of a request, whatever its format. */
export function judgeTexts(
  body: Record<string, unknown>,
  style: ApiStyle,
): { system: string; prompt: string } {
  if (style === 'messages') {
    const user = messagesOf(body).filter((m) => m.role === 'user');
    return { system: textOf(body.system), prompt: user.map((m) => textOf(m.content)).join('\n') };
  }
  const items =
    style === 'chat' ? messagesOf(body) : Array.isArray(body.input) ? body.input.filter(isRecord) : [];
  const pick = (roles: string[]): string =>
    items
      .filter((m) => roles.includes(typeof m.role === 'string' ? m.role : 'user'))
      .map((m) => textOf(m.content))
      .join('\n');
  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  const input = style === 'responses' && typeof body.input === 'string' ? body.input : '';
  return {
    system: [instructions, pick(['system', 'developer'])].filter(Boolean).join('\n'),
    prompt: [input, pick(['user'])].filter(Boolean).join('\n'),
  };
}

/** Judge requests: OpenAI-style ones always, Messages ones when the system prompt has the marker. */
export function isJudgeRequest(body: Record<string, unknown>, style: ApiStyle): boolean {
  return style !== 'messages' || textOf(body.system).includes(JUDGE_MARKER);
}

/** Mutable per-script judge state. */
export interface JudgeState {
  /** Judge calls answered with content so far. */
  answered: number;
  /** Next index into `judge.replies`. */
  replyCursor: number;
}

/** Choose the reply: hook, else first matching rule, else the next of `replies`, else `default`. */
export function judgeAnswer(
  body: Record<string, unknown>,
  style: ApiStyle,
  script: ResolvedScript,
  hooks: ModelHooks | undefined,
  state: JudgeState,
): Answer {
  const { system, prompt } = judgeTexts(body, style);
  const model = typeof body.model === 'string' ? body.model : 'judge-scripted';
  state.answered += 1;
  const call: JudgeCall = { nth: state.answered, prompt, system, model, body };
  let reply: JudgeReply | undefined = hooks?.judge?.(call);
  if (reply === undefined) {
    const rule = script.judge.rules.find(
      (r) =>
        (r.match === undefined || new RegExp(r.match).test(prompt)) &&
        (r.model === undefined || r.model === model),
    );
    reply = rule?.reply;
  }
  if (reply === undefined && state.replyCursor < script.judge.replies.length) {
    reply = script.judge.replies[state.replyCursor++];
  }
  reply ??= script.judge.default;
  const text = typeof reply === 'string' ? reply : JSON.stringify(reply);
  return {
    model,
    content: [{ type: 'text', text }],
    stopReason: 'end_turn',
    usage: { ...DEFAULT_USAGE, ...script.judge.usage },
  };
}
