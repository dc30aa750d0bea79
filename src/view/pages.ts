// The HTML of each page: a small server-rendered shell (title, breadcrumbs, where the data lives)
// whose module script fills it from the JSON API. No inline script or style: the CSP forbids both.
/** HTML-escape text (the report's own `esc` lives beside vega, which the server loads only for charts). */
export function esc(s: string | number): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A page: which module renders it, its title, breadcrumbs and data attributes. */
export interface PageSpec {
  script: string;
  title: string;
  crumbs: { text: string; href?: string }[];
  data?: Record<string, string>;
  /** Extra stylesheets and classic scripts (the diff renderer). */
  styles?: string[];
  scripts?: string[];
}

/** Render a page shell. */
export function page(p: PageSpec): string {
  const data = Object.entries(p.data ?? {})
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  const crumbs = p.crumbs
    .map((c) => (c.href ? `<a href="${esc(c.href)}">${esc(c.text)}</a>` : `<span>${esc(c.text)}</span>`))
    .join(' <span class="sep">/</span> ');
  const styles = ['/assets/app.css', ...(p.styles ?? [])].map(
    (s) => `<link rel="stylesheet" href="${esc(s)}">`,
  );
  const scripts = (p.scripts ?? []).map((s) => `<script src="${esc(s)}" defer></script>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)} · Scylla</title><link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
${styles.join('\n')}
${scripts.join('\n')}
<script type="module" src="/assets/${esc(p.script)}"></script>
</head>
<body${data}>
<header class="top"><a class="brand" href="/">Scylla</a><nav class="crumbs">${crumbs}</nav>
<span id="live" class="live" hidden>live</span></header>
<main id="main"><p class="muted">Loading…</p></main>
<noscript><p>This viewer needs JavaScript for its pages; every number is also in the JSON API under <a href="/api">/api</a>.</p></noscript>
</body></html>
`;
}
