import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';
import { tmpDir } from '../helpers/tmp.js';

const STORE_MODULE = fileURLToPath(new URL('../../src/store/store.ts', import.meta.url));

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/**
 * Open (and so create) the store at `file` in a separate Node process, not before the wall-clock
 * time `at` (so that several children open it within the same millisecond, once loaded).
 */
function openInChild(file: string, at: number): Promise<{ code: number | null; stderr: string }> {
  const code = [
    `const { Store } = await import(${JSON.stringify(STORE_MODULE)});`,
    `while (Date.now() < ${at});`,
    `new Store(${JSON.stringify(file)}).close();`,
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (c) => done({ code: c, stderr })));
}

describe('Store: a new scylla.db', () => {
  it('appears with its whole schema and leaves no staging file behind', () => {
    const dir = tmpDir('scylla-store-');
    const file = join(dir, 'scylla.db');
    new Store(file).close();
    expect(tables(file)).toEqual(expect.arrayContaining(['experiment', 'runs', 'subtests']));
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(readdirSync(dir).filter((f) => f.includes('.new-'))).toEqual([]);
  });

  it('is created once when several processes open it at the same moment', async () => {
    const dir = tmpDir('scylla-store-');
    const file = join(dir, 'scylla.db');
    const at = Date.now() + 4000;
    const results = await Promise.all(Array.from({ length: 6 }, () => openInChild(file, at)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    const reopened = new Database(file, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    reopened.close();
    expect(readdirSync(dir).filter((f) => f.includes('.new-'))).toEqual([]);
  });
});
