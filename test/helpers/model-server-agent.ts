// Agent turns of the scripted model server: finds the agent's cwd and prompt in a Messages request
// and turns the next scripted step (derived statelessly from the conversation) into an answer.
import { isAbsolute, resolve } from 'node:path';
import type { AgentStep, AgentTurn, ModelHooks, ResolvedScript } from './model-server-script.js';
import { DEFAULT_USAGE } from './model-server-script.js';
import { type Answer, type ContentBlock, isRecord, messagesOf, newId, textOf } from './model-server-wire.js';

/** Inputs holding a path that the real tools want absolute. */
const PATH_KEYS = ['file_path', 'notebook_path', 'path'];

/** What rules match as the cwd when none is known (`--system-prompt`, `--agent`): `"match": "<no cwd>"`. */
export const NO_CWD = '<no cwd>';

/** Answered when the steps run out. */
export const FINAL_STEP: AgentStep = { text: 'Done.' };

/** Where the agent works: the default prompt's line, else the script's `agent.cwd`, else a looser line. */
export function findCwd(body: Record<string, unknown>, script: ResolvedScript): string | undefined {
  const system = textOf(body.system);
  const primary = /Primary working directory:[ \t]*(\S[^\n]*)/.exec(system);
  if (primary) return primary[1].trim();
  if (script.agent.cwd) return script.agent.cwd;
  const firstUser = textOf(messagesOf(body)[0]?.content);
  const loose = /working directory:[ \t]*([^\s<][^\n<]*)/i.exec(`${system}\n${firstUser}`);
  return loose ? loose[1].trim() : undefined;
}

/** The task prompt: the last text block of the first user message. */
export function promptOf(body: Record<string, unknown>): string {
  const content = messagesOf(body)[0]?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts = content.filter((b) => isRecord(b) && b.type === 'text' && typeof b.text === 'string');
  const last = texts[texts.length - 1] as { text: string } | undefined;
  return last?.text ?? '';
}

/** The agent turn a request asks for. */
export function agentTurn(body: Record<string, unknown>, script: ResolvedScript): AgentTurn {
  return {
    stepIndex: messagesOf(body).filter((m) => m.role === 'assistant').length,
    cwd: findCwd(body, script),
    prompt: promptOf(body),
    model: typeof body.model === 'string' ? body.model : 'claude-scripted',
    body,
  };
}

/** The scripted step for a turn: hook, else the first matching rule's steps, else `agent.steps`. */
export function stepFor(turn: AgentTurn, script: ResolvedScript, hooks: ModelHooks | undefined): AgentStep {
  const hooked = hooks?.agent?.(turn);
  if (hooked) return hooked;
  const rule = script.agent.rules.find((r) => {
    const re = new RegExp(r.match);
    return re.test(turn.cwd ?? NO_CWD) || re.test(turn.prompt);
  });
  const steps = rule ? rule.steps : script.agent.steps;
  return steps[turn.stepIndex] ?? FINAL_STEP;
}

/** Thrown when a relative path must be resolved but the cwd is unknown. */
export class UnknownCwdError extends Error {}

function absolutise(input: Record<string, unknown>, cwd: string | undefined): Record<string, unknown> {
  const out = { ...input };
  for (const key of PATH_KEYS) {
    const v = out[key];
    if (typeof v !== 'string' || isAbsolute(v)) continue;
    if (cwd === undefined) {
      throw new UnknownCwdError(
        `scripted model server: cannot resolve ${key} "${v}": no "Primary working directory:" line in the ` +
          'system prompt (custom --system-prompt or --agent?); set agent.cwd in the script',
      );
    }
    out[key] = resolve(cwd, v);
  }
  return out;
}

const shq = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/**
 * Without a known cwd (`--system-prompt`, `--agent`), Write and Read with a relative path become the
 * equivalent Bash command, which runs in the agent's real working directory. Other tools are kept.
 */
function viaBash(
  tool: string,
  input: Record<string, unknown>,
  cwd: string | undefined,
): { tool: string; input: Record<string, unknown> } | null {
  const path = input.file_path;
  if (cwd !== undefined || typeof path !== 'string' || isAbsolute(path)) return null;
  if (tool === 'Write' && typeof input.content === 'string') {
    const b64 = Buffer.from(input.content, 'utf8').toString('base64');
    return {
      tool: 'Bash',
      input: {
        command: `mkdir -p "$(dirname ${shq(path)})" && printf '%s' '${b64}' | base64 -d > ${shq(path)}`,
        description: `Write ${path}`,
      },
    };
  }
  if (tool === 'Read')
    return { tool: 'Bash', input: { command: `cat ${shq(path)}`, description: `Read ${path}` } };
  return null;
}

/** Turn a step into an answer. Throws UnknownCwdError (sent as a 400) when a path cannot be resolved. */
export function agentAnswer(turn: AgentTurn, step: AgentStep, script: ResolvedScript): Answer {
  const calls = [...(step.tool ? [{ tool: step.tool, input: step.input ?? {} }] : []), ...(step.tools ?? [])];
  const content: ContentBlock[] = [];
  if (step.text !== undefined) content.push({ type: 'text', text: step.text });
  for (const raw of calls) {
    const c = viaBash(raw.tool, raw.input, turn.cwd) ?? raw;
    content.push({
      type: 'tool_use',
      id: newId('toolu'),
      name: c.tool,
      input: absolutise(c.input, turn.cwd),
    });
  }
  return {
    model: turn.model,
    content,
    stopReason: calls.length > 0 ? 'tool_use' : 'end_turn',
    usage: { ...DEFAULT_USAGE, ...script.agent.usage, ...step.usage },
  };
}
