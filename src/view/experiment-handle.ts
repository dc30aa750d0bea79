// One experiment as the viewer holds it: its store opened lazily (an in-memory snapshot while no
// process writes it, a read-only connection while one does), a cheap version that moves when the
// store changes, and results memoised per version so an unchanged experiment is never re-read.
import { join } from 'node:path';
import { openStoreReader, type StoreReader } from '../store/reader.js';

/** Results kept per experiment (oldest dropped first). */
const MAX_MEMOS = 64;

export class ExperimentHandle {
  readonly dbFile: string;
  private opened: StoreReader | null = null;
  private generation = 0;
  private readonly memos = new Map<string, { version: string; value: unknown }>();

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    this.dbFile = join(dir, 'scylla.db');
  }

  /** The open store, reopened when it was a snapshot and the file changed or a writer appeared. */
  store(): StoreReader {
    if (this.opened?.outdated()) this.reopen();
    if (!this.opened) {
      this.opened = openStoreReader(this.dbFile);
      this.generation++;
    }
    return this.opened;
  }

  /** A string that changes whenever the store does: the store's change counter, per opening. */
  version(): string {
    const store = this.store();
    return store.isSnapshot() ? `${this.generation}:s` : `${this.generation}:${store.changeCounter()}`;
  }

  /** Is a process writing this store (it was opened live, not as a snapshot)? */
  live(): boolean {
    return !this.store().isSnapshot();
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
    this.opened?.close();
    this.opened = null;
    this.memos.clear();
  }

  close(): void {
    this.reopen();
  }
}
