// JSON from a source that may not be JSON (an agent's stdout line, a queue entry, a file on disk).

/** `text` parsed as JSON, or null when it is not JSON. */
export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
