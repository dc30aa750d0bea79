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
const SkillsObjectSchema = z.strictObject({
  categories: z.array(SafeNameSchema).optional(),
  names: z.array(SafeNameSchema).optional(),
});
/** The object form, or (the original's earlier fixtures) a plain list of skill names. */
export const SkillsSpecSchema = z.union([z.array(SafeNameSchema), SkillsObjectSchema], {
  error: 'is not a list of skill names or { categories, names }',
});

/** Sub-agents to link into `.claude/agents/`: whole levels (0..5) and/or single agents by name. */
const AgentsObjectSchema = z.strictObject({
  levels: z.array(z.number().int().min(0).max(5)).optional(),
  names: z.array(AgentNameSchema).optional(),
});
/** The object form, or a plain list of agent names. */
export const AgentsSpecSchema = z.union([z.array(AgentNameSchema), AgentsObjectSchema], {
  error: 'is not a list of agent names or { levels, names }',
});

/** Built-in tools: `all`, `none`, or a list (`enabled: [Read, Write]` or `names: [...]`). */
export const ToolsSpecSchema = z.strictObject({
  enabled: z
    .union([z.enum(['all', 'none']), z.array(z.string().min(1))], {
      error: "is not 'all', 'none' or a list of tool names",
    })
    .optional(),
  names: z.array(z.string().min(1)).optional(),
});

/** One MCP server; a bare string is shorthand for `{ name }`. */
export const McpServerSpecSchema = z.union(
  [
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
  ],
  { error: 'is not an MCP server name or { name, source, config_path, command, args, env }' },
);
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

/** A remote or local `*_source` of the original's fixtures: where the resource came from; never fetched. */
const SourceSchema = z.string().min(1);

/**
 * A subtest: `tN/NN-name/config.yaml` (a test case's own) or `subtests/tN/NN-name.yaml` (shared by every
 * test case of a library). Unknown keys are errors.
 */
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
  /** Where the original fetched `skills` from; informational: the skills must be in the library. */
  skills_source: SourceSchema.optional(),
  system_prompt_mode: z.enum(['none', 'default', 'custom']).optional(),
  /** T5: merge the winning configurations of these tiers (in this order). */
  inherit_best_from: z.array(TierIdSchema).optional(),
  /**
   * The main agent (run with `--agent`), e.g. for T4 hierarchies. With `agent_source` (the original's
   * earlier fixtures) it names one sub-agent instead, as the original meant it.
   */
  agent: AgentNameSchema.optional(),
  /** Where the original fetched `agent` from; informational: the agent must be in the library. */
  agent_source: SourceSchema.optional(),
  thinking: z.enum(['off', 'low', 'high', 'max']).optional(),
  /** Claude Code's experimental agent teams (`CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1`). */
  agent_teams: z.boolean().optional(),
});

/** A parsed subtest `config.yaml`. */
export type SubtestConfig = z.output<typeof SubtestConfigSchema>;
export type SkillsSpec = z.output<typeof SkillsObjectSchema>;
export type AgentsSpec = z.output<typeof AgentsObjectSchema>;
export type ToolsSpec = z.output<typeof ToolsSpecSchema>;

/** A value of the effective configuration plus the YAML path it came from (for error positions). */
export interface Located<T> {
  value: T;
  path: string[];
  /** Where the `names` list is: `[...path, 'names']`, or `path` itself for the list form (`skills: [a, b]`). */
  namesPath?: string[];
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

/** `pick` for keys with a list form (`skills: [a, b]` = `skills: {names: [a, b]}`). */
function pickNamed<T extends { names?: string[] }>(
  root: T | string[] | undefined,
  nested: T | string[] | undefined,
  key: string,
): Located<T> | null {
  const got = pick<T | string[]>(root, nested, key);
  if (!got) return null;
  return Array.isArray(got.value)
    ? { value: { names: got.value } as T, path: got.path, namesPath: got.path }
    : { value: got.value, path: got.path, namesPath: [...got.path, 'names'] };
}

/** The main agent (`agent:` alone); null when there is none or `agent:` names a sub-agent (`agent_source`). */
export function mainAgentOf(config: SubtestConfig): string | null {
  return config.agent && !config.agent_source ? config.agent : null;
}

/** The one sub-agent `agent:` names in the original's form (`agent:` with `agent_source:`), else null. */
export function subAgentOf(config: SubtestConfig): string | null {
  return config.agent && config.agent_source ? config.agent : null;
}

/** Which resource keys apply: a non-empty root-level key overrides the same key under `resources`. */
export function effectiveResources(config: SubtestConfig): EffectiveResources {
  const r = config.resources ?? {};
  return {
    claudeMd: pick(undefined, r.claude_md, 'claude_md'),
    skills: pickNamed(config.skills, r.skills, 'skills'),
    agents: pickNamed(config.agents, r.agents, 'agents'),
    tools: pick(config.tools, r.tools, 'tools'),
    mcpServers: pick(config.mcp_servers, r.mcp_servers, 'mcp_servers'),
  };
}
