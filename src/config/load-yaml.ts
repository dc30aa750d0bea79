// Loads a YAML file against a zod schema; every problem becomes a ConfigError naming file, line and field.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** A parsed YAML document that can say on which line a path lives. */
export interface YamlSource {
  file: string;
  data: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Parse YAML text; syntax errors become a ConfigError with the line. */
export function parseYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.pos ? lineCounter.linePos(err.pos[0]).line : undefined;
    throw new ConfigError(`invalid YAML: ${err.message.split('\n')[0]}`, { file, line });
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    let node: unknown = doc.contents;
    let best: number | undefined = rangeLine(node, lineCounter);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(key),
        );
        if (!pair) break;
        best = rangeLine(pair.key, lineCounter) ?? best;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        best = rangeLine(node, lineCounter) ?? best;
      } else break;
    }
    return best;
  };
  return { file, data: doc.toJS() ?? {}, lineOf };
}

function rangeLine(node: unknown, lc: LineCounter): number | undefined {
  const range = (node as YamlNode | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

/** Validate parsed YAML with a schema; the first issue becomes a ConfigError (file, line, field). */
export function validateYaml<S extends z.ZodType>(src: YamlSource, schema: S): z.output<S> {
  const result = schema.safeParse(src.data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
  // An unknown key's path is its parent; point at the key itself.
  const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const fieldName =
    issue.code === 'unrecognized_keys' ? [field, issue.keys[0]].filter(Boolean).join('.') : field;
  const message =
    issue.code === 'unrecognized_keys' ? `unknown key '${issue.keys.join("', '")}'` : issue.message;
  throw new ConfigError(message, { file: src.file, line: src.lineOf(keyPath), field: fieldName });
}

/** Read, parse and validate a YAML file. A missing file is a ConfigError too. */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
): { value: z.output<S>; source: YamlSource } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read file: ${(e as Error).message}`, { file });
  }
  const source = parseYaml(text, file);
  return { value: validateYaml(source, schema), source };
}
