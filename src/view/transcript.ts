// A run's transcript read a window at a time: from a byte offset, whole lines up to a byte budget,
// each normalised (Claude stream-json or Codex JSONL). A 5 MB stdout.log is never parsed in one
// request; the page asks for the next window until `eof`. A line too long to keep is skipped
// with a note (the raw file has it).
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJson } from './artefacts.js';
import { claudeEvents } from './transcript-claude.js';
import { codexEvents } from './transcript-codex.js';
import {
  tokenWeight,
  TranscriptEventSchema,
  type RunCostBasis,
  type TranscriptEvent,
} from './transcript-events.js';

/** Default and largest window per request. */
export const WINDOW_DEFAULT = 256 * 1024;
export const WINDOW_MAX = 2 * 1024 * 1024;
/** A longer line is not parsed (it is noted and skipped). */
const LINE_MAX = 8 * 1024 * 1024;

export const TranscriptWindowSchema = z.object({
  file: z.string(),
  size: z.number(),
  from: z.number(),
  /** Where the next window starts. */
  next: z.number(),
  /** Nothing after `next` (yet: a running agent may still append). */
  eof: z.boolean(),
  events: z.array(TranscriptEventSchema),
});
export type TranscriptWindow = z.infer<typeof TranscriptWindowSchema>;

const AgentResultSchema = z.looseObject({
  costUsd: z.number().nullable().optional(),
  usage: z
    .looseObject({
      inputTokens: z.number(),
      outputTokens: z.number(),
      cacheCreationTokens: z.number(),
      cacheReadTokens: z.number(),
    })
    .optional(),
});

/** USD per weighted token of the run, from agent/result.json (what the agent reported). */
export function costBasis(runDir: string): RunCostBasis {
  const r = AgentResultSchema.safeParse(readJson(join(runDir, 'agent', 'result.json')));
  if (!r.success || !r.data.usage || !r.data.costUsd) return { usdPerWeight: null };
  const u = r.data.usage;
  const w = tokenWeight({
    input: u.inputTokens,
    output: u.outputTokens,
    cacheCreation: u.cacheCreationTokens,
    cacheRead: u.cacheReadTokens,
  });
  return { usdPerWeight: w > 0 ? r.data.costUsd / w : null };
}

function eventsOfLine(text: string, at: number, cost: RunCostBasis): TranscriptEvent[] {
  if (!text.trim()) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [
      {
        kind: 'note',
        at,
        parent: null,
        messageId: null,
        text: text.slice(0, 2000),
        truncated: text.length > 2000,
      },
    ];
  }
  const type = (parsed as { type?: unknown })?.type;
  return typeof type === 'string' && type.includes('.')
    ? codexEvents(parsed, at, cost)
    : claudeEvents(parsed, at, cost);
}

/** The window of `file` that starts at byte `from` (a line start) and spans about `budget` bytes. */
export async function readTranscriptWindow(
  file: string,
  from: number,
  budget: number,
  cost: RunCostBasis,
): Promise<TranscriptWindow> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const events: TranscriptEvent[] = [];
    let pos = Math.max(0, Math.min(from, size));
    // One read of `budget` bytes, cut at its last newline; a line longer than that is read whole.
    while (pos < size && events.length === 0) {
      const want = Math.min(size - pos, budget);
      const buf = Buffer.alloc(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      const chunk = buf.subarray(0, bytesRead);
      const last = chunk.lastIndexOf(0x0a);
      if (last < 0) {
        const end = await lineEnd(fh, pos, size);
        if (end - pos > LINE_MAX) {
          events.push({
            kind: 'note',
            at: pos,
            parent: null,
            messageId: null,
            text: `a line of ${((end - pos) / 1e6).toFixed(1)} MB is not shown (see the raw file)`,
            truncated: true,
          });
          pos = Math.min(size, end + 1);
          continue;
        }
        // One line longer than the window (parsed whole), or a last line without its newline:
        // kept when it is complete JSON, else left for a later request (an agent still writing it).
        const whole = Buffer.alloc(end - pos);
        await fh.read(whole, 0, whole.length, pos);
        const text = whole.toString('utf8');
        if (end === size && !isJson(text)) break;
        events.push(...eventsOfLine(text, pos, cost));
        pos = Math.min(size, end + 1);
        continue;
      }
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0 && nl <= last; nl = chunk.indexOf(0x0a, start)) {
        events.push(...eventsOfLine(chunk.subarray(start, nl).toString('utf8'), pos + start, cost));
        start = nl + 1;
      }
      pos += start;
    }
    return { file: 'agent/stdout.log', size, from, next: pos, eof: pos >= size, events };
  } finally {
    await fh.close();
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Offset of the newline that ends the line starting at `pos` (or the file's end). */
async function lineEnd(
  fh: import('node:fs/promises').FileHandle,
  pos: number,
  size: number,
): Promise<number> {
  const buf = Buffer.alloc(1 << 20);
  for (let p = pos; p < size; p += buf.length) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, p);
    const i = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (i >= 0) return p + i;
  }
  return size;
}
