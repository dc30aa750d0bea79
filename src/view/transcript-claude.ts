// Claude Code stream-json lines → transcript events: init, assistant blocks (text, thinking, tool
// calls; Task = sub-agent, Skill = skill, mcp__* = MCP), tool results, usage per turn, the result.
import { z } from 'zod';
import {
  cut,
  tokenWeight,
  type RunCostBasis,
  type TokenUsage,
  type TranscriptEvent,
} from './transcript-events.js';

const num = z.number().catch(0).default(0);
const UsageSchema = z.looseObject({
  input_tokens: num,
  output_tokens: num,
  cache_read_input_tokens: num,
  cache_creation_input_tokens: num,
});
const Block = z.looseObject({ type: z.string() });
const LineSchema = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  parent_tool_use_id: z.string().nullable().optional(),
  message: z
    .looseObject({
      id: z.string().optional(),
      model: z.string().optional(),
      content: z.union([z.string(), z.array(Block)]).optional(),
      usage: UsageSchema.optional(),
    })
    .optional(),
});

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const strs = (v: unknown) =>
  Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : str((x as { name?: unknown })?.name))) : [];

export function usageOf(u: z.infer<typeof UsageSchema>): TokenUsage {
  return {
    input: u.input_tokens,
    output: u.output_tokens,
    cacheRead: u.cache_read_input_tokens,
    cacheCreation: u.cache_creation_input_tokens,
  };
}

/** How a tool call is shown: its role and a one-line label. */
export function toolLabel(
  name: string,
  input: Record<string, unknown>,
): { role: 'tool' | 'subagent' | 'skill' | 'mcp'; label: string } {
  if (name === 'Task' || name === 'Agent')
    return {
      role: 'subagent',
      label: [str(input.subagent_type) || 'sub-agent', str(input.description)].filter(Boolean).join(': '),
    };
  if (name === 'Skill')
    return { role: 'skill', label: str(input.skill) || str(input.command) || str(input.name) };
  const label =
    str(input.command) ||
    str(input.file_path) ||
    str(input.notebook_path) ||
    str(input.pattern) ||
    str(input.url) ||
    str(input.path) ||
    str(input.query) ||
    str(input.description);
  return { role: name.startsWith('mcp__') ? 'mcp' : 'tool', label: label.split('\n')[0].slice(0, 200) };
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : JSON.stringify(content);
  return content
    .map((c: { type?: unknown; text?: unknown }) =>
      c?.type === 'text' ? str(c.text) : `[${str(c?.type) || 'content'}]`,
    )
    .join('\n');
}

/** Events of one parsed stream-json line. */
export function claudeEvents(line: unknown, at: number, cost: RunCostBasis): TranscriptEvent[] {
  const p = LineSchema.safeParse(line);
  if (!p.success) return [];
  const e = p.data;
  const parent = e.parent_tool_use_id ?? null;
  const raw = line as Record<string, unknown>;
  if (e.type === 'system' && e.subtype === 'init')
    return [
      {
        kind: 'init',
        at,
        parent,
        model: str(raw.model) || null,
        version: str(raw.claude_code_version) || null,
        cwd: str(raw.cwd) || null,
        tools: strs(raw.tools),
        mcpServers: strs(raw.mcp_servers),
        agents: strs(raw.agents),
        skills: strs(raw.skills),
      },
    ];
  if (e.type === 'assistant' && e.message) {
    const m = e.message;
    const messageId = m.id ?? null;
    const out: TranscriptEvent[] = [];
    for (const b of Array.isArray(m.content) ? m.content : []) {
      const blk = b as Record<string, unknown>;
      if (b.type === 'text') out.push({ kind: 'text', at, parent, messageId, ...cut(str(blk.text)) });
      else if (b.type === 'thinking')
        out.push({ kind: 'thinking', at, parent, messageId, ...cut(str(blk.thinking)) });
      else if (b.type === 'tool_use') {
        const input = (blk.input ?? {}) as Record<string, unknown>;
        const c = cut(JSON.stringify(input, null, 2));
        out.push({
          kind: 'tool_use',
          at,
          parent,
          messageId,
          id: str(blk.id),
          name: str(blk.name),
          ...toolLabel(str(blk.name), input),
          input: c.text,
          truncated: c.truncated,
        });
      }
    }
    if (m.usage) {
      const usage = usageOf(m.usage);
      const costUsd = cost.usdPerWeight === null ? null : tokenWeight(usage) * cost.usdPerWeight;
      out.push({ kind: 'usage', at, parent, messageId, model: m.model ?? null, usage, costUsd });
    }
    return out;
  }
  if (e.type === 'user' && e.message) {
    const content = e.message.content;
    if (typeof content === 'string') return [{ kind: 'user', at, parent, messageId: null, ...cut(content) }];
    return (content ?? []).flatMap((b): TranscriptEvent[] => {
      const blk = b as Record<string, unknown>;
      if (b.type === 'tool_result')
        return [
          {
            kind: 'tool_result',
            at,
            parent,
            toolUseId: str(blk.tool_use_id),
            isError: blk.is_error === true,
            ...cut(resultText(blk.content)),
          },
        ];
      if (b.type === 'text') return [{ kind: 'user', at, parent, messageId: null, ...cut(str(blk.text)) }];
      return [];
    });
  }
  if (e.type === 'result') {
    const u = UsageSchema.safeParse(raw.usage);
    return [
      {
        kind: 'result',
        at,
        parent,
        isError: raw.is_error === true,
        subtype: e.subtype ?? null,
        numTurns: typeof raw.num_turns === 'number' ? raw.num_turns : null,
        durationMs: typeof raw.duration_ms === 'number' ? raw.duration_ms : null,
        costUsd: typeof raw.total_cost_usd === 'number' ? raw.total_cost_usd : null,
        usage: u.success ? usageOf(u.data) : null,
        text: cut(str(raw.result)).text,
      },
    ];
  }
  const note = e.type === 'system' ? `system: ${e.subtype ?? ''}` : e.type;
  return [{ kind: 'note', at, parent, messageId: null, text: note, truncated: false }];
}
