// A small GET-only router: `/api/experiments/:exp/runs/:tier/:subtest/:run` patterns, one `*` tail
// for artefact paths, and the replies handlers return (JSON, HTML, text, a file, or a stream).
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers. */
export type Reply =
  | { kind: 'json'; body: unknown; status?: number }
  | { kind: 'html'; body: string; status?: number }
  | { kind: 'text'; body: string | Buffer; type: string; csp?: string; cache?: string; status?: number }
  | { kind: 'file'; path: string; type: string; csp?: string; cache?: string }
  | { kind: 'stream'; start(req: IncomingMessage, res: ServerResponse): void };

/** A request as handlers see it. */
export interface RequestContext {
  url: URL;
  params: Record<string, string>;
  /** The `*` tail, split into decoded segments. */
  rest: string[];
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** An error with the HTTP status it answers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Route {
  parts: string[];
  tail: boolean;
  handler: Handler;
}

/** Decode one path segment; an encoded `/`, `\`, NUL or a `.`/`..` segment is refused. */
export function decodeSegment(raw: string): string {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'bad percent-encoding in the path');
  }
  if (s === '.' || s === '..' || /[/\\\0]/.test(s)) throw new HttpError(403, 'path segment refused');
  return s;
}

export class Router {
  private readonly routes: Route[] = [];

  get(pattern: string, handler: Handler): this {
    const parts = pattern.split('/').filter(Boolean);
    const tail = parts.at(-1) === '*';
    this.routes.push({ parts: tail ? parts.slice(0, -1) : parts, tail, handler });
    return this;
  }

  /** The handler for `pathname` and its parameters, or null (404). */
  match(pathname: string): { handler: Handler; params: Record<string, string>; rest: string[] } | null {
    const raw = pathname.split('/').filter(Boolean);
    for (const r of this.routes) {
      if (r.tail ? raw.length < r.parts.length : raw.length !== r.parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < r.parts.length && ok; i++) {
        const p = r.parts[i];
        if (p.startsWith(':')) params[p.slice(1)] = decodeSegment(raw[i]);
        else ok = p === raw[i];
      }
      if (ok) return { handler: r.handler, params, rest: raw.slice(r.parts.length).map(decodeSegment) };
    }
    return null;
  }
}
