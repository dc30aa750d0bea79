// Judge transports by name: the one place that knows every implementation (`anthropic|openai|claude-cli`).
import { ConfigError } from '../errors.js';
import { createAnthropicTransport } from './anthropic-transport.js';
import { createClaudeCliTransport } from './claude-cli-transport.js';
import { createOpenAITransport } from './openai-transport.js';
import type { JudgeTransport, TransportOptions } from './transport.js';

/** Transport factories by name. */
export const judgeTransports: Readonly<Record<string, (opts?: TransportOptions) => JudgeTransport>> = {
  anthropic: createAnthropicTransport,
  openai: createOpenAITransport,
  'claude-cli': createClaudeCliTransport,
};

/** Make the transport called `name`; an unknown name is a ConfigError. */
export function createJudgeTransport(name: string, opts: TransportOptions = {}): JudgeTransport {
  const factory = judgeTransports[name];
  if (!factory) {
    throw new ConfigError(
      `unknown judge transport '${name}' (known: ${Object.keys(judgeTransports).join(', ')})`,
      {
        field: 'judge transport',
      },
    );
  }
  return factory(opts);
}
