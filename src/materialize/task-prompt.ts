// The task prompt a run sends (spec §4.2): task text, a resource-usage suffix, cleanup requirements.
import type { ResolvedConfig } from '../fixture/resolved-config.js';

const sortedUnique = (names: readonly string[]) => [...new Set(names)].sort();

/** One instruction line and a bullet list; singular and plural phrasing as in the original. */
function section(names: readonly string[], singular: string, plural: string, purpose: string): string | null {
  const list = sortedUnique(names);
  if (!list.length) return null;
  const head =
    list.length === 1
      ? `Use the following ${singular} ${purpose}:`
      : `Make maximal use of the following ${plural} ${purpose}:`;
  return [head, ...list.map((n) => `- ${n}`)].join('\n');
}

/** The resource suffix, built from the effective configuration (baseline included). */
export function resourceSuffix(resolved: ResolvedConfig): string {
  const tools = resolved.tools;
  const parts = [
    // The main agent (`--agent`) is the one reading this prompt, not a sub-agent it can delegate to.
    section(
      resolved.agents.map((a) => a.name).filter((n) => n !== resolved.mainAgent),
      'sub-agent',
      'sub-agents',
      'to complete this task',
    ),
    section(
      resolved.skills.map((s) => s.name),
      'skill',
      'skills',
      'to complete this task',
    ),
    section(
      resolved.mcpServers.map((m) => m.name),
      'MCP server',
      'MCP servers',
      'to complete this task',
    ),
    tools?.mode === 'all'
      ? 'Use all of the available tools as much as they help to complete this task.'
      : tools?.mode === 'list'
        ? section(tools.names, 'tool', 'tools', 'to complete this task')
        : null,
  ].filter((p): p is string => p !== null);
  return parts.length
    ? parts.join('\n\n')
    : 'Complete this task with the tools available to you and your own judgment.';
}

/** The cleanup section that ends every task prompt. */
export const CLEANUP_SECTION = [
  '## Cleanup Requirements',
  '',
  '- Delete any temporary files, build artefacts and caches you created while working on the task.',
  '- Leave only the final deliverables in the workspace.',
].join('\n');

/** Task prompt text, a blank line, the resource suffix, then the cleanup requirements. */
export function buildTaskPrompt(promptText: string, resolved: ResolvedConfig): string {
  return `${promptText.trimEnd()}\n\n${resourceSuffix(resolved)}\n\n${CLEANUP_SECTION}\n`;
}
