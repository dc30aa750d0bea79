// Live updates as server-sent events. While anyone listens, the hub polls the change signal of
// the experiments they watch (the store's change counter: one PRAGMA, no re-reading) every
// `pollMs`, rescans the results directory for new experiments, and tells the listeners what moved;
// pages then re-fetch only that.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalog } from './catalog.js';

interface Listener {
  res: ServerResponse;
  /** Experiment names watched; null = all (the experiments page). */
  watch: Set<string> | null;
}

const KEEPALIVE_MS = 15_000;

export class LiveHub {
  private readonly listeners = new Set<Listener>();
  private readonly versions = new Map<string, string>();
  private names = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastPing = Date.now();

  constructor(
    private readonly catalog: Catalog,
    private readonly pollMs: number,
  ) {}

  /** Serve one event stream (`exp` query parameters name what to watch; none = everything). */
  attach(req: IncomingMessage, res: ServerResponse, watch: string[]): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\n\n`);
    const l: Listener = { res, watch: watch.length ? new Set(watch) : null };
    for (const name of l.watch ?? this.catalog.list().map((h) => h.name)) this.versionOf(name, true);
    this.listeners.add(l);
    this.send(l, 'hello', { watching: l.watch ? [...l.watch] : 'all' });
    res.on('close', () => {
      this.listeners.delete(l);
      if (this.listeners.size === 0) this.stop();
    });
    if (!this.timer) {
      this.names = new Set(this.catalog.list().map((h) => h.name));
      this.timer = setInterval(() => this.tick(), this.pollMs);
      this.timer.unref();
    }
  }

  /** End every stream (server shutdown). */
  close(): void {
    for (const l of this.listeners) l.res.end();
    this.listeners.clear();
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private versionOf(name: string, remember = false): { changed: boolean; version: string | null } {
    let version: string | null = null;
    try {
      version = this.catalog.get(name)?.version() ?? null;
    } catch {
      version = null;
    }
    const changed = this.versions.get(name) !== version;
    if (changed || remember) this.versions.set(name, version ?? '');
    return { changed, version };
  }

  private tick(): void {
    const wantsAll = [...this.listeners].some((l) => l.watch === null);
    if (wantsAll && this.catalog.rescan(false, 2000)) {
      const now = new Set(this.catalog.list().map((h) => h.name));
      const added = [...now].filter((n) => !this.names.has(n));
      const removed = [...this.names].filter((n) => !now.has(n));
      this.names = now;
      for (const l of this.listeners) if (l.watch === null) this.send(l, 'experiments', { added, removed });
    }
    const watched = new Set<string>();
    for (const l of this.listeners) for (const n of l.watch ?? this.names) watched.add(n);
    for (const name of watched) {
      const { changed, version } = this.versionOf(name);
      if (!changed) continue;
      for (const l of this.listeners)
        if (l.watch === null || l.watch.has(name)) this.send(l, 'experiment', { name, version });
    }
    if (Date.now() - this.lastPing > KEEPALIVE_MS) {
      this.lastPing = Date.now();
      for (const l of this.listeners) l.res.write(': keep-alive\n\n');
    }
  }

  private send(l: Listener, event: string, data: unknown): void {
    l.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
