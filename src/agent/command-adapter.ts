// The generic `command` adapter: any executable, prompt on stdin, usage from its last JSON stdout line.
import { buildChildEnv } from '../util/env.js';
import type { AdapterOptions, AgentAdapter } from './adapter.js';
import { COMMAND_BIN } from './agent-bin.js';
import { CLAUDE_ENV_ALLOW, isolatedPaths } from './claude-args.js';
import { commandReport } from './command-output.js';
import { unchecked } from './model-probe.js';
import { processAdapter, type AgentProcessSpec } from './run-agent-process.js';

/** Environment a command agent may see: the Claude allow-list plus other providers' keys. */
const COMMAND_ENV_ALLOW = [...CLAUDE_ENV_ALLOW, 'OPENAI_*', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'];

/** Any executable as an agent: runs in the workspace, gets the prompt on stdin, `extraArgs` as argv. */
const COMMAND: AgentProcessSpec = {
  name: 'command',
  bin: COMMAND_BIN,
  envAllow: COMMAND_ENV_ALLOW,
  model: (requested) => requested,
  probe: (model) => unchecked(model, 'command', "agent 'command': its model is not checked"),
  launch(req, { model }) {
    const { home, tmp } = isolatedPaths(req.configDir);
    return {
      args: req.extraArgs ?? [],
      env: buildChildEnv(req.baseEnv, COMMAND_ENV_ALLOW, { HOME: home, TMPDIR: tmp, SCYLLA_MODEL: model }),
      dirs: [home, tmp],
      finish: (proc) => commandReport(proc, model),
    };
  },
};

/** The command adapter; `opts.bin` (`--agent-bin`) names the executable, else SCYLLA_AGENT_BIN. */
export function createCommandAdapter(opts: AdapterOptions = {}): AgentAdapter {
  return processAdapter(COMMAND, opts);
}
