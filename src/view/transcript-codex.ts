// Codex `exec --json` lines → transcript events: agent messages, reasoning, commands with their
// output, file changes, MCP calls, web searches, usage per turn, errors.
import {
  cut,
  tokenWeight,
  type RunCostBasis,
  type TokenUsage,
  type TranscriptEvent,
} from './transcript-events.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const n = (v: unknown) => (typeof v === 'number' ? v : 0);

function codexUsage(u: Record<string, unknown>): TokenUsage {
  const cached = n(u.cached_input_tokens);
  const written = n(u.cache_write_input_tokens);
  return {
    input: Math.max(0, n(u.input_tokens) - cached - written),
    output: n(u.output_tokens),
    cacheRead: cached,
    cacheCreation: written,
  };
}

function call(
  at: number,
  id: string,
  name: string,
  label: string,
  input: unknown,
  output: string | null,
  isError: boolean,
): TranscriptEvent[] {
  const c = cut(JSON.stringify(input, null, 2));
  const events: TranscriptEvent[] = [
    {
      kind: 'tool_use',
      at,
      parent: null,
      messageId: null,
      id,
      name,
      role: name.startsWith('mcp') ? 'mcp' : 'tool',
      label: label.split('\n')[0].slice(0, 200),
      input: c.text,
      truncated: c.truncated,
    },
  ];
  if (output !== null)
    events.push({ kind: 'tool_result', at, parent: null, toolUseId: id, isError, ...cut(output) });
  return events;
}

/** Events of one parsed Codex JSONL line. */
export function codexEvents(line: unknown, at: number, cost: RunCostBasis): TranscriptEvent[] {
  const e = line as Record<string, unknown>;
  const type = str(e.type);
  const note = (text: string): TranscriptEvent[] => [
    { kind: 'note', at, parent: null, messageId: null, ...cut(text) },
  ];
  if (type === 'thread.started')
    return [
      {
        kind: 'init',
        at,
        parent: null,
        model: null,
        version: null,
        cwd: null,
        tools: [],
        mcpServers: [],
        agents: [],
        skills: [],
      },
    ];
  if (type === 'turn.completed' && e.usage && typeof e.usage === 'object') {
    const usage = codexUsage(e.usage as Record<string, unknown>);
    return [
      {
        kind: 'usage',
        at,
        parent: null,
        messageId: `turn@${at}`,
        model: null,
        usage,
        costUsd: cost.usdPerWeight === null ? null : tokenWeight(usage) * cost.usdPerWeight,
      },
    ];
  }
  if (type === 'turn.failed')
    return note(`turn failed: ${str((e.error as Record<string, unknown>)?.message)}`);
  if (type === 'error') return note(`error: ${str(e.message)}`);
  if (type !== 'item.completed' || !e.item || typeof e.item !== 'object') return [];
  const item = e.item as Record<string, unknown>;
  const id = str(item.id) || `item@${at}`;
  switch (str(item.type)) {
    case 'agent_message':
      return [{ kind: 'text', at, parent: null, messageId: null, ...cut(str(item.text)) }];
    case 'reasoning':
      return [{ kind: 'thinking', at, parent: null, messageId: null, ...cut(str(item.text)) }];
    case 'command_execution':
      return call(
        at,
        id,
        'command',
        str(item.command),
        { command: item.command },
        `${str(item.aggregated_output)}${item.exit_code === undefined || item.exit_code === null ? '' : `\n[exit ${n(item.exit_code)}]`}`,
        n(item.exit_code) !== 0,
      );
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? (item.changes as Record<string, unknown>[]) : [];
      return call(
        at,
        id,
        'file_change',
        changes.map((c) => `${str(c.kind)} ${str(c.path)}`).join(', '),
        item.changes,
        null,
        false,
      );
    }
    case 'mcp_tool_call':
      return call(
        at,
        id,
        `mcp:${str(item.server)}/${str(item.tool)}`,
        str(item.tool),
        item.arguments ?? {},
        item.result === undefined ? null : JSON.stringify(item.result ?? item.error, null, 2),
        Boolean(item.error),
      );
    case 'web_search':
      return call(at, id, 'web_search', str(item.query), { query: item.query }, null, false);
    case 'todo_list':
      return call(at, id, 'todo_list', 'plan', item.items, null, false);
    case 'error':
      return note(`error: ${str(item.message)}`);
    default:
      return note(str(item.type));
  }
}
