// Text search in the transcripts of an experiment's runs (a tier's or a subtest's): each
// stdout.log is scanned in 1 MB blocks for the text as written and as JSON escapes it, case
// blind, within a byte and time budget; the answer says when the budget ran out.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { runDirName, runLabel } from '../store/run-key.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { HttpError } from './router.js';

const BLOCK = 1 << 20;
const BYTES_BUDGET = 512 * 1024 * 1024;
const TIME_BUDGET_MS = 4000;

export const SearchResultSchema = z.object({
  query: z.string(),
  matches: z.array(
    z.object({
      tier: z.string(),
      subtest: z.string(),
      run: z.number(),
      label: z.string(),
      path: z.string(),
      hits: z.number(),
      snippet: z.string(),
    }),
  ),
  scannedRuns: z.number(),
  scannedBytes: z.number(),
  /** The byte or time budget ran out, or `limit` matches were found, before every run was scanned. */
  truncated: z.boolean(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

/** Count occurrences of any needle in `hay` (lower-cased), and the first position. */
function count(hay: string, needles: string[]): { hits: number; first: number } {
  let hits = 0;
  let first = -1;
  for (const n of needles)
    for (let i = hay.indexOf(n); i >= 0; i = hay.indexOf(n, i + n.length)) {
      hits++;
      if (first < 0 || i < first) first = i;
    }
  return { hits, first };
}

const unescape = (s: string) =>
  s.replace(/\\n/g, ' ').replace(/\\t/g, ' ').replace(/\\"/g, '"').replace(/\\\\/g, '\\');

async function scanFile(file: string, needles: string[], budget: { bytes: number }) {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(BLOCK);
    const keep = Math.max(...needles.map((n) => n.length));
    let hits = 0;
    let snippet = '';
    let tail = '';
    for (let pos = 0; budget.bytes > 0;) {
      const { bytesRead } = await fh.read(buf, 0, BLOCK, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      budget.bytes -= bytesRead;
      const text = tail + buf.subarray(0, bytesRead).toString('utf8');
      const c = count(text.toLowerCase(), needles);
      hits += c.hits;
      if (!snippet && c.first >= 0) snippet = unescape(text.slice(Math.max(0, c.first - 80), c.first + 160));
      tail = text.slice(-keep + 1 || text.length);
    }
    return { hits, snippet };
  } finally {
    await fh.close();
  }
}

/** Runs (of `tier` / `subtest` when given) whose transcript contains `q`. */
export async function searchTranscripts(
  h: ExperimentHandle,
  q: string,
  opts: { tier?: string; subtest?: string; limit?: number },
): Promise<SearchResult> {
  const query = q.trim();
  if (query.length < 2 || query.length > 200)
    throw new HttpError(400, 'the search text must be 2 to 200 characters');
  const lower = query.toLowerCase();
  const escaped = JSON.stringify(query).slice(1, -1).toLowerCase();
  const needles = escaped === lower ? [lower] : [lower, escaped];
  const limit = Math.min(opts.limit ?? 100, 500);
  const runs = h.store().runsPage({ tier: opts.tier, subtest: opts.subtest, limit: -1 }).rows;
  const budget = { bytes: BYTES_BUDGET };
  const started = Date.now();
  const matches: SearchResult['matches'] = [];
  let scanned = 0;
  for (const r of runs) {
    if (matches.length >= limit || budget.bytes <= 0 || Date.now() - started > TIME_BUDGET_MS) break;
    const path = `${r.tier}/${r.subtest}/${runDirName(r.run)}`;
    const found = await scanFile(join(h.dir, path, 'agent', 'stdout.log'), needles, budget);
    scanned++;
    if (found && found.hits > 0)
      matches.push({
        tier: r.tier,
        subtest: r.subtest,
        run: r.run,
        label: runLabel(r),
        path,
        hits: found.hits,
        snippet: found.snippet,
      });
  }
  return {
    query,
    matches,
    scannedRuns: scanned,
    scannedBytes: BYTES_BUDGET - budget.bytes,
    truncated: scanned < runs.length,
  };
}
