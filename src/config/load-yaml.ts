// Loads a YAML file against a zod schema; every problem becomes part of a ConfigError naming file, line,
// field and value. The file is read as text input (size limit, UTF-8); aliases are expanded at most
// MAX_ALIASES times (a "billion laughs" file is an error, not an exhausted process).
import { LineCounter, parseDocument, isMap, isSeq, visit, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Problem } from '../problem.js';
import { readTextFile } from './text-file.js';
import { issuesToProblems } from './yaml-issues.js';

export { valueAt } from './yaml-issues.js';

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
    const why = err.message.split('\n')[0];
    // The parser recurses per nesting level; a file nested thousands deep exhausts the stack.
    const said = /call stack/i.test(why) ? 'nested too deeply' : why;
    throw new ConfigError(`invalid YAML: ${said}`, { file, line });
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
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // `yaml` refuses to expand aliases past the count (ReferenceError); anything else is ours to fix.
    if (!(e instanceof ReferenceError)) throw e;
    let line: number | undefined;
    visit(doc, {
      Alias: (_key, node) => {
        line = rangeLine(node, lineCounter);
        return visit.BREAK;
      },
    });
    throw new ConfigError(
      `invalid YAML: its aliases expand to too much (more than ${MAX_ALIASES} uses of one alias): ${e.message}`,
      { file, line },
    );
  }
  return { file, data: data ?? {}, lineOf };
}

/** How often one alias may be expanded (the `yaml` library's default). */
const MAX_ALIASES = 100;

function rangeLine(node: unknown, lc: LineCounter): number | undefined {
  const range = (node as YamlNode | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

/** Check parsed YAML against a schema: the value, or every issue as a problem (file, line, field, value). */
export function checkYaml<S extends z.ZodType>(
  src: YamlSource,
  schema: S,
): { ok: true; value: z.output<S> } | { ok: false; problems: Problem[] } {
  const result = schema.safeParse(src.data);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: issuesToProblems(src, result.error.issues) };
}

/** Validate parsed YAML with a schema; every issue goes into one ConfigError. */
export function validateYaml<S extends z.ZodType>(src: YamlSource, schema: S): z.output<S> {
  const r = checkYaml(src, schema);
  if (!r.ok) throw ConfigError.of(r.problems);
  return r.value;
}

/** Read and parse a YAML file; a missing, unreadable or malformed one is a ConfigError. */
export function readYamlFile(file: string): YamlSource {
  return parseYaml(readTextFile(file), file);
}

/** Read, parse and validate a YAML file. A missing file is a ConfigError too. */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
): { value: z.output<S>; source: YamlSource } {
  const source = readYamlFile(file);
  return { value: validateYaml(source, schema), source };
}
