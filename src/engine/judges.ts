// Which transport each judge model goes through: the API of its provider, or the Claude Code CLI.
import { agentAdapters } from '../agent/registry.js';
import type { AdapterOptions, AgentAdapter } from '../agent/adapter.js';
import type { ExperimentConfig } from '../config/experiment-config.js';
import { ConfigError } from '../errors.js';
import { createJudgeTransport } from '../judge/transport-registry.js';
import type { CommandWrapper } from '../util/process.js';
import type { JudgeSlot } from './context.js';

/** OpenAI model ids; everything else is sent to the Anthropic API. */
const OPENAI_MODEL = /^(gpt-|o\d|chatgpt-)/i;

/** One slot per judge model, in order (judge_01 = the first). */
export function judgeSlots(
  config: ExperimentConfig,
  env: NodeJS.ProcessEnv,
  sandbox?: CommandWrapper,
): JudgeSlot[] {
  return config.judgeModels.map((model) => {
    const name =
      config.judgeTransport === 'cli' ? 'claude-cli' : OPENAI_MODEL.test(model) ? 'openai' : 'anthropic';
    // The CLI transport uses the agent's Claude Code binary when one was given.
    const bin =
      name === 'claude-cli' && config.agent === 'claude-code' ? (config.agentBin ?? undefined) : undefined;
    // Only the CLI transport starts a process; it starts it inside the sandbox.
    const opts = { env, ...(bin ? { bin } : {}), ...(sandbox ? { sandbox } : {}) };
    return { model, transport: createJudgeTransport(name, opts) };
  });
}

/** The agent adapter called `name` (`--agent`). */
export function createAgentAdapter(name: string, opts: AdapterOptions): AgentAdapter {
  const factory = agentAdapters[name];
  if (!factory)
    throw new ConfigError(`unknown agent '${name}' (known: ${Object.keys(agentAdapters).join(', ')})`, {
      field: 'agent',
    });
  return factory(opts);
}
