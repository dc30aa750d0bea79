// Opening scylla.db: read-write (created whole, migrated once under a write lock) or read-only
// (never writes; a store of an older schema is migrated in a private in-memory copy).
import { existsSync, linkSync, readFileSync, rmSync } from 'node:fs';
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

/**
 * Open an existing store without ever writing to it. A store made by an older Scylla is read
 * through a migrated in-memory copy, so readers see one schema and the file stays as it is.
 */
export function openReadOnly(file: string): Db {
  const db = tune(new Database(file, { readonly: true, fileMustExist: true }));
  const v = versionOf(db);
  if (v > MIGRATIONS.length) {
    db.close();
    throw new StoreTooNewError(file, v);
  }
  if (v === MIGRATIONS.length) return db;
  const copy = new Database(db.serialize());
  db.close();
  for (let i = v; i < MIGRATIONS.length; i++) copy.exec(MIGRATIONS[i]);
  copy.pragma(`user_version = ${MIGRATIONS.length}`);
  return copy;
}

/**
 * An in-memory copy of a store file that no process has open (its WAL is checkpointed into it):
 * reading it creates no file. The copy's header is switched from WAL to rollback mode, which an
 * in-memory database needs; an older schema is migrated in the copy.
 */
export function openSnapshot(file: string): Db {
  const bytes = readFileSync(file);
  if (bytes.length >= 20) bytes[18] = bytes[19] = 1;
  const db = tune(new Database(bytes));
  const v = versionOf(db);
  if (v > MIGRATIONS.length) {
    db.close();
    throw new StoreTooNewError(file, v);
  }
  for (let i = v; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]);
  if (v < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  return db;
}
