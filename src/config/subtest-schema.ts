// The subtest `config.yaml` schema (spec §1.4) and which of its keys (root level or under `resources`) wins.
import { z } from 'zod';
import { TierIdSchema } from './experiment-config.js';

/** True when `name` is a plain file name: no path separators, no `..`, not absolute, not empty. */
export function isSafeName(name: string): boolean {
  return (
    name.length > 0 && name !== '.' && !name.includes('..') && !/[/\\]/.test(name) && !/^[A-Za-z]:/.test(name)
  );
}

/** A resource name or id that must stay inside the resource library. */
export const SafeNameSchema = z
  .string()
  .refine(isSafeName, { message: 'must be a plain name (no "/", "\\" or "..")' });

/** An agent name; the original fixtures name agents by file (`x.md`), so the suffix is dropped. */
const AgentNameSchema = SafeNameSchema.transform((s) => s.replace(/\.md$/, ''));

/** CLAUDE.md composition: block ids (`B02`) in order, or a named preset from `presets.yaml`. */
export const ClaudeMdSpecSchema = z.strictObject({
  blocks: z.array(SafeNameSchema).optional(),
  preset: SafeNameSchema.optional(),
});

/** Skills to link into `.claude/skills/`: whole categories and/or single skills by name. */
export const SkillsSpecSchema = z.strictObject({
  categories: z.array(SafeNameSchema).optional(),
  names: z.array(SafeNameSchema).optional(),
});

/** Sub-agents to link into `.claude/agents/`: whole levels (0..5) and/or single agents by name. */
export const AgentsSpecSchema = z.strictObject({
  levels: z.array(z.number().int().min(0).max(5)).optional(),
  names: z.array(AgentNameSchema).optional(),
});

/** Built-in tools: `all`, `none`, or a list (`enabled: [Read, Write]` or `names: [...]`). */
export const ToolsSpecSchema = z.strictObject({
  enabled: z
    .union([z.enum(['all', 'none']), z.array(z.string().min(1))], {
      error: "expected 'all', 'none' or a list of tool names",
    })
    .optional(),
  names: z.array(z.string().min(1)).optional(),
});

/** One MCP server; a bare string is shorthand for `{ name }`. */
export const McpServerSpecSchema = z.union([
  SafeNameSchema.transform((name) => ({ name })),
  z.strictObject({
    name: SafeNameSchema,
    /** Package scope in the original (`npx -y @<source>/<name>`). */
    source: z.string().optional(),
    config_path: z.string().optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
  }),
]);
/** A normalised MCP server entry. */
export interface McpServerSpec {
  name: string;
  source?: string;
  config_path?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
}

/** The `resources` section. */
export const ResourcesSpecSchema = z.strictObject({
  claude_md: ClaudeMdSpecSchema.optional(),
  skills: SkillsSpecSchema.optional(),
  agents: AgentsSpecSchema.optional(),
  tools: ToolsSpecSchema.optional(),
  mcp_servers: z.array(McpServerSpecSchema).optional(),
});

/** A subtest's `config.yaml`. Unknown keys are errors. */
export const SubtestConfigSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  /** Layer this subtest on the previous tier's winner (default: true, except T0/00 and T0/01). */
  extends_previous: z.boolean().optional(),
  resources: ResourcesSpecSchema.optional(),
  /** Root-level keys: when non-empty they override the same key under `resources`. */
  skills: SkillsSpecSchema.optional(),
  agents: AgentsSpecSchema.optional(),
  tools: ToolsSpecSchema.optional(),
  mcp_servers: z.array(McpServerSpecSchema).optional(),
  system_prompt_mode: z.enum(['none', 'default', 'custom']).optional(),
  /** T5: merge the winning configurations of these tiers (in this order). */
  inherit_best_from: z.array(TierIdSchema).optional(),
  /** Main agent (run with `--agent`), e.g. for T4 hierarchies. */
  agent: AgentNameSchema.optional(),
  thinking: z.enum(['off', 'low', 'high', 'max']).optional(),
});

/** A parsed subtest `config.yaml`. */
export type SubtestConfig = z.output<typeof SubtestConfigSchema>;
export type SkillsSpec = z.output<typeof SkillsSpecSchema>;
export type AgentsSpec = z.output<typeof AgentsSpecSchema>;
export type ToolsSpec = z.output<typeof ToolsSpecSchema>;

/** A value of the effective configuration plus the YAML path it came from (for error positions). */
export interface Located<T> {
  value: T;
  path: string[];
}

/** The resource keys that apply, after root-level keys override `resources.*`. */
export interface EffectiveResources {
  claudeMd: Located<z.output<typeof ClaudeMdSpecSchema>> | null;
  skills: Located<SkillsSpec> | null;
  agents: Located<AgentsSpec> | null;
  tools: Located<ToolsSpec> | null;
  mcpServers: Located<McpServerSpec[]> | null;
}

function isNonEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.values(v).some(isNonEmpty);
  return true;
}

function pick<T>(root: T | undefined, nested: T | undefined, key: string): Located<T> | null {
  if (isNonEmpty(root)) return { value: root as T, path: [key] };
  if (isNonEmpty(nested)) return { value: nested as T, path: ['resources', key] };
  return null;
}

/** Which resource keys apply: a non-empty root-level key overrides the same key under `resources`. */
export function effectiveResources(config: SubtestConfig): EffectiveResources {
  const r = config.resources ?? {};
  return {
    claudeMd: pick(undefined, r.claude_md, 'claude_md'),
    skills: pick(config.skills, r.skills, 'skills'),
    agents: pick(config.agents, r.agents, 'agents'),
    tools: pick(config.tools, r.tools, 'tools'),
    mcpServers: pick(config.mcp_servers, r.mcp_servers, 'mcp_servers'),
  };
}
