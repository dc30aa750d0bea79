// Opening scylla.db: read-write (created whole, migrated once under a write lock) or read-only
// (never writes; a store of an older schema is migrated in a private in-memory copy).
import { existsSync, linkSync, readFileSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ScyllaError } from '../errors.js';
import { MIGRATIONS } from './schema.js';

/** The database handle; only `src/store/` ever holds one. */
export type Db = Database.Database;

/** A store file written by a newer Scylla than this one. */
export class StoreTooNewError extends ScyllaError {
  constructor(file: string, version: number) {
    super(
      'STORE_VERSION',
      `${file} has schema version ${version}; this Scylla knows ${MIGRATIONS.length}: upgrade Scylla to read it`,
      1,
    );
  }
}

function tune(db: Db): Db {
  db.pragma('busy_timeout = 10000');
  return db;
}

function openWritable(file: string): Db {
  const db = tune(new Database(file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

const versionOf = (db: Db) => db.pragma('user_version', { simple: true }) as number;

/** Bring the schema up to date; each step re-reads the version inside its write transaction. */
function migrate(db: Db, file: string): void {
  for (;;) {
    const done = db
      .transaction(() => {
        const v = versionOf(db);
        if (v > MIGRATIONS.length) throw new StoreTooNewError(file, v);
        if (v === MIGRATIONS.length) return true;
        db.exec(MIGRATIONS[v]);
        db.pragma(`user_version = ${v + 1}`);
        return false;
      })
      .immediate();
    if (done) return;
  }
}

/**
 * Make a new store file appear with its whole schema at once: it is built under a private name
 * and linked into place, so anyone who sees `scylla.db` (a `scylla status`, a user's sqlite3)
 * never finds it empty. If another process got there first, its file is kept.
 */
function createComplete(file: string): void {
  const tmp = `${file}.new-${process.pid}`;
  rmSync(tmp, { force: true });
  const db = openWritable(tmp);
  try {
    migrate(db, file);
  } finally {
    db.close();
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}

/** Open (creating if needed) for reading and writing, schema up to date. */
export function openReadWrite(file: string): Db {
  if (!existsSync(file)) createComplete(file);
  const db = openWritable(file);
  try {
    migrate(db, file);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** A read-only handle: live on the file, or a private in-memory snapshot of it. */
export interface ReadOnlyDb {
  db: Db;
  /** True for a snapshot: it never sees later writes (see `snapshotOutdated`). */
  snapshot: boolean;
}

/**
 * Open an existing store without ever writing to it — not even SQLite's `-wal`/`-shm` side files.
 * With no writer about (no `-wal` file), the store is read as an in-memory snapshot of the file;
 * while a writer has it open, through a live read-only connection. A store made by an older Scylla
 * is migrated in a private in-memory copy, so readers see one schema and the file stays as it is.
 */
export function openReadOnly(file: string): ReadOnlyDb {
  const live = existsSync(`${file}-wal`);
  let db: Db;
  if (live) db = tune(new Database(file, { readonly: true, fileMustExist: true }));
  else {
    const bytes = readFileSync(file);
    // A WAL-mode header (read/write versions 2) cannot be opened from memory: as rollback mode it can.
    if (bytes.length > 19 && bytes[18] === 2) bytes[18] = bytes[19] = 1;
    db = new Database(bytes);
  }
  const v = versionOf(db);
  if (v > MIGRATIONS.length) {
    db.close();
    throw new StoreTooNewError(file, v);
  }
  if (v === MIGRATIONS.length) return { db, snapshot: !live };
  const copy = live ? new Database(db.serialize()) : db;
  if (live) db.close();
  for (let i = v; i < MIGRATIONS.length; i++) copy.exec(MIGRATIONS[i]);
  copy.pragma(`user_version = ${MIGRATIONS.length}`);
  return { db: copy, snapshot: true };
}

/** Has the file changed since a snapshot of it was taken (size, time, or a writer appeared)? */
export function fileStamp(file: string): string {
  const wal = existsSync(`${file}-wal`);
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}:${wal}`;
  } catch {
    return 'gone';
  }
}
