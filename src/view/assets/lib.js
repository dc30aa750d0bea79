// Shared pieces of the viewer's pages: DOM building (text only, never HTML strings), the JSON API,
// number formats, and live updates over server-sent events.

/** Build an element: attrs (class, href, on<event>, data-*, others as attributes), children (text or nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Append children (strings, numbers, nodes, arrays; null skipped). */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replace an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** GET a JSON API path; a non-2xx answer throws its error message. */
export async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

export const enc = encodeURIComponent;
export const expApi = (exp) => `/api/experiments/${enc(exp)}`;
export const runApi = (exp, tier, subtest, run) =>
  `${expApi(exp)}/runs/${enc(tier)}/${enc(subtest)}/${enc(run)}`;
export const runPage = (exp, path) => `/e/${enc(exp)}/${path.split('/').map(enc).join('/')}`;
export const rawUrl = (exp, path) => `/raw/${enc(exp)}/${path.split('/').map(enc).join('/')}`;

const nil = (v) => v === null || v === undefined || Number.isNaN(v);
export const money = (v, dp = 4) => (nil(v) ? '—' : `$${Number(v).toFixed(dp)}`);
export const pct = (v) => (nil(v) ? '—' : `${(v * 100).toFixed(0)}%`);
export const num = (v, dp = 3) => (nil(v) ? '—' : Number(v).toFixed(dp));
export const signed = (v, dp = 3) => (nil(v) ? '—' : `${v >= 0 ? '+' : ''}${Number(v).toFixed(dp)}`);
export const ci = (c, f = num) => (c ? `[${f(c[0])}, ${f(c[1])}]` : '');
export const int = (v) => (nil(v) ? '—' : Number(v).toLocaleString('en'));
export function secs(s) {
  if (nil(s)) return '—';
  s = Math.round(s);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
export const when = (iso) =>
  iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }) : '—';
export const kb = (n) =>
  nil(n)
    ? '—'
    : n >= 1 << 20
      ? `${(n / (1 << 20)).toFixed(1)} MB`
      : `${Math.max(1, Math.round(n / 1024))} KB`;

/** A status badge. */
export const badge = (text, cls = text) => h('span', { class: `badge ${cls}` }, text);
/** A number card. */
export const card = (k, v, id) =>
  h('div', { class: 'card', id }, h('div', { class: 'k' }, k), h('div', { class: 'v' }, v));

/** A table: columns [{ title, cls, sort }], rows of cells (text or nodes). */
export function table(columns, rows, opts = {}) {
  const head = h(
    'tr',
    {},
    columns.map((c) => h('th', { class: c.cls }, c.title)),
  );
  return h(
    'table',
    { class: opts.class, id: opts.id },
    h('thead', {}, head),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((cell, i) => h('td', { class: columns[i]?.cls }, cell)),
        ),
      ),
    ),
  );
}

/** A section with a heading. */
export const section = (id, title, ...children) => h('section', { id }, h('h2', {}, title), ...children);

/** Show an error in `el`. */
export const showError = (el, e) => fill(el, h('p', { class: 'error' }, String(e?.message ?? e)));

/** Call `fn` at most every `ms` (the last call always runs). */
export function throttle(fn, ms) {
  let timer = null;
  let last = 0;
  return () => {
    const wait = Math.max(0, last + ms - Date.now());
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn();
    }, wait);
  };
}

/** Live updates: `onEvent(type, data)` for `experiment` / `experiments` events; names = experiments to watch ([] = all). */
export function live(names, onEvent) {
  const qs = names.map((n) => `exp=${enc(n)}`).join('&');
  const es = new EventSource(`/api/events${qs ? `?${qs}` : ''}`);
  const badgeEl = document.getElementById('live');
  es.addEventListener('open', () => badgeEl && (badgeEl.hidden = false));
  es.addEventListener('error', () => badgeEl && (badgeEl.hidden = true));
  for (const type of ['experiment', 'experiments'])
    es.addEventListener(type, (ev) => onEvent(type, JSON.parse(ev.data)));
  window.addEventListener('pagehide', () => es.close());
  return es;
}

/** The page's data attributes (exp, tier, subtest, run). */
export const pageData = () => ({ ...document.body.dataset });
