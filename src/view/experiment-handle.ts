// One experiment as the viewer holds it: its store opened lazily (an in-memory snapshot while no
// process writes it, a read-only connection while one does), a cheap version that moves when the
// store changes, and results memoised per version so an unchanged experiment is never re-read.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openStoreSnapshot, type StoreReader } from '../store/reader.js';

/** Results kept per experiment (oldest dropped first). */
const MAX_MEMOS = 64;

interface Opened {
  store: StoreReader;
  snapshot: boolean;
  /** For a snapshot: the file's size and mtime when it was read. */
  signature: string;
}

function signature(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

function walExists(file: string): boolean {
  try {
    statSync(`${file}-wal`);
    return true;
  } catch {
    return false;
  }
}

export class ExperimentHandle {
  readonly dbFile: string;
  private opened: Opened | null = null;
  private generation = 0;
  private readonly memos = new Map<string, { version: string; value: unknown }>();

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    this.dbFile = join(dir, 'scylla.db');
  }

  /** The open store, reopened when a writer appeared beside a snapshot or the file changed. */
  store(): StoreReader {
    const o = this.opened;
    if (o && o.snapshot && (walExists(this.dbFile) || signature(this.dbFile) !== o.signature)) this.reopen();
    if (!this.opened) {
      const sig = signature(this.dbFile);
      const { store, snapshot } = openStoreSnapshot(this.dbFile);
      this.opened = { store, snapshot, signature: sig };
      this.generation++;
    }
    return this.opened.store;
  }

  /** A string that changes whenever the store does: the store's change counter, per opening. */
  version(): string {
    const store = this.store();
    return this.opened!.snapshot ? `${this.generation}:s` : `${this.generation}:${store.changeCounter()}`;
  }

  /** Is a process writing this store (it was opened live, not as a snapshot)? */
  live(): boolean {
    this.store();
    return !this.opened!.snapshot;
  }

  /** `compute()` once per store version under `key`. */
  memo<T>(key: string, compute: (store: StoreReader) => T): T {
    const version = this.version();
    const hit = this.memos.get(key);
    if (hit && hit.version === version) return hit.value as T;
    const value = compute(this.store());
    if (this.memos.size >= MAX_MEMOS) this.memos.delete(this.memos.keys().next().value!);
    this.memos.set(key, { version, value });
    return value;
  }

  /** The value memo computed under `key` for the current version, without computing it. */
  peek<T>(key: string): T | undefined {
    const hit = this.memos.get(key);
    return hit && hit.version === this.version() ? (hit.value as T) : undefined;
  }

  /** Like memo, for async work (a concurrent second caller shares the first one's promise). */
  memoAsync<T>(key: string, compute: (store: StoreReader) => Promise<T>): Promise<T> {
    return this.memo(key, (s) => {
      const p = compute(s);
      p.catch(() => this.memos.delete(key));
      return p;
    });
  }

  private reopen(): void {
    this.opened?.store.close();
    this.opened = null;
    this.memos.clear();
  }

  close(): void {
    this.reopen();
  }
}
