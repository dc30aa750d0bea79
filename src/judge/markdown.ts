// Markdown helpers for the judge context: fences that survive backticks in content, head+tail truncation.

/** `text` in a fenced block whose fence is longer than any backtick run inside it. */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/**
 * Keep the first `head` and last `tail` lines of `text` when it has more than `max` lines, with one
 * marker line in between that says how many lines were left out.
 */
export function truncateLines(text: string, max: number, head: number, tail: number): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= max) return lines.join('\n');
  const omitted = lines.length - head - tail;
  return [
    ...lines.slice(0, head),
    `[... ${omitted} lines omitted (${lines.length} lines in total) ...]`,
    ...lines.slice(lines.length - tail),
  ].join('\n');
}

/** The first `max` characters of `text`, with a note when something was cut. */
export function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[... ${text.length - max} more characters omitted ...]`;
}
