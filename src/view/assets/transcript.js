// A transcript rendered as it arrives: windows of normalised events from the API, appended one
// after another (so a 5 MB log shows its start at once); assistant turns grouped with their tokens
// and cost, tool calls collapsed with their output inside, sub-agent conversations nested.
import { fill, getJson, h, int, kb, money } from './lib.js';

const ROLE_ICON = { tool: '⚙', subagent: '🤖', skill: '📘', mcp: '🔌' };

/** Render the transcript at `api` into `box`; resolves when everything is loaded. */
export async function renderTranscript(box, api, { windowBytes = 256 * 1024 } = {}) {
  const list = h('div', { class: 'transcript' });
  const status = h('p', { class: 'progress' }, 'loading…');
  fill(box, status, list);
  const tools = new Map(); // tool_use id → { el, body }
  const turns = new Map(); // message id → { el, usage }
  const counts = { events: 0, tools: 0, subagents: 0, skills: 0 };
  let lastTurn = null;

  const containerFor = (parent) => (parent && tools.get(parent) ? tools.get(parent).sub() : list);
  const turnFor = (e, where) => {
    if (!e.messageId) return where;
    let t = turns.get(e.messageId);
    if (!t || t.where !== where) {
      const usage = h('div', { class: 'usage' });
      const el = h('div', { class: 'turn' }, usage);
      where.append(el);
      t = { el, usage, where, body: el };
      el.insertBefore((t.body = h('div')), usage);
      turns.set(e.messageId, t);
    }
    lastTurn = t;
    return t.body;
  };

  function add(e) {
    counts.events++;
    const where = containerFor(e.parent);
    switch (e.kind) {
      case 'init':
        where.append(
          h(
            'div',
            { class: 'ev init' },
            `Session${e.model ? ` · ${e.model}` : ''}${e.version ? ` · v${e.version}` : ''} · ${e.tools.length} tools${e.mcpServers.length ? ` · MCP: ${e.mcpServers.join(', ')}` : ''}${e.agents.length ? ` · agents: ${e.agents.join(', ')}` : ''}${e.skills.length ? ` · skills: ${e.skills.length}` : ''}`,
          ),
        );
        break;
      case 'text':
        turnFor(e, where).append(h('div', { class: 'ev text' }, e.text, e.truncated ? ' …' : ''));
        break;
      case 'thinking':
        turnFor(e, where).append(
          h('details', { class: 'ev thinking' }, h('summary', {}, 'thinking'), h('pre', {}, e.text)),
        );
        break;
      case 'tool_use': {
        counts.tools++;
        if (e.role === 'subagent') counts.subagents++;
        if (e.role === 'skill') counts.skills++;
        const body = h('div');
        const el = h(
          'details',
          { class: `ev tool role-${e.role}`, 'data-tool': e.name },
          h('summary', {}, `${ROLE_ICON[e.role] ?? ''} ${e.name} `, h('span', { class: 'label' }, e.label)),
          h('pre', { class: 'in' }, e.input, e.truncated ? '\n…' : ''),
          body,
        );
        const entry = {
          el,
          body,
          subEl: null,
          sub() {
            if (!this.subEl)
              body.append(
                (this.subEl = h(
                  'div',
                  { class: 'subagent' },
                  h('div', { class: 'small muted' }, 'sub-agent conversation'),
                )),
              );
            return this.subEl;
          },
        };
        tools.set(e.id, entry);
        turnFor(e, where).append(el);
        break;
      }
      case 'tool_result': {
        const out = h(
          'pre',
          { class: `out${e.isError ? ' err' : ''}` },
          e.text || '(no output)',
          e.truncated ? '\n… (cut; the raw file has all of it)' : '',
        );
        const t = tools.get(e.toolUseId);
        if (t) {
          t.body.append(out);
          if (e.isError) t.el.classList.add('error');
        } else where.append(out);
        break;
      }
      case 'usage': {
        const t = turns.get(e.messageId) ?? lastTurn;
        if (t)
          t.usage.textContent = `in ${int(e.usage.input)} · out ${int(e.usage.output)} · cache read ${int(e.usage.cacheRead)} / write ${int(e.usage.cacheCreation)}${e.costUsd === null ? '' : ` · ≈${money(e.costUsd)}`}`;
        break;
      }
      case 'user':
        where.append(h('div', { class: 'ev user' }, e.text));
        break;
      case 'result':
        list.append(
          h(
            'div',
            { class: 'ev result', id: 'transcript-result' },
            `${e.isError ? 'Ended with an error' : 'Done'}${e.subtype ? ` (${e.subtype})` : ''} · ${e.numTurns ?? '?'} turns · ${money(e.costUsd)} · ${e.durationMs === null ? '' : `${(e.durationMs / 1000).toFixed(1)} s · `}${e.usage ? `in ${int(e.usage.input)} / out ${int(e.usage.output)} tokens` : ''}`,
            e.text ? h('div', { class: 'ev text' }, e.text) : null,
          ),
        );
        break;
      default:
        where.append(h('div', { class: 'ev note' }, e.text));
    }
  }

  let from = 0;
  for (;;) {
    const w = await getJson(`${api}?from=${from}&max=${windowBytes}`);
    for (const e of w.events) add(e);
    status.textContent = `${counts.events} events · ${counts.tools} tool calls${counts.subagents ? ` · ${counts.subagents} sub-agent(s)` : ''}${counts.skills ? ` · ${counts.skills} skill use(s)` : ''} · ${kb(w.next)} of ${kb(w.size)}${w.eof ? '' : ' — loading…'}`;
    if (w.eof || w.next <= from) break;
    from = w.next;
    await new Promise((r) => setTimeout(r, 0)); // let the page paint between windows
  }
  box.dataset.loaded = 'true';
  return counts;
}
