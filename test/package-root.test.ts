import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackage, PACKAGE_ROOT } from '../src/package-root.js';
import { tmpDir } from './helpers/tmp.js';

describe('findPackage', () => {
  it("walks up to Scylla's own package.json, past another package's", () => {
    const root = tmpDir('scylla-pkgroot-');
    writeFileSync(join(root, 'package.json'), '{"name":"scylla","version":"9.9.9"}');
    const inner = join(root, 'dist', 'bundle');
    mkdirSync(inner, { recursive: true });
    writeFileSync(join(root, 'dist', 'package.json'), '{"name":"something-else"}');
    expect(findPackage(inner)).toEqual({ root, version: '9.9.9' });
    expect(findPackage(root)).toEqual({ root, version: '9.9.9' });
  });

  it('fails, naming where it looked, without one', () => {
    const dir = tmpDir('scylla-pkgroot-none-');
    expect(() => findPackage(dir)).toThrow(`no package.json of scylla above ${dir}`);
  });

  it('is the checkout for the sources', () => {
    expect(join(PACKAGE_ROOT, 'src')).toBe(join(new URL('../src', import.meta.url).pathname));
  });
});
