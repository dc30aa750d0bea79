// A bounded, iterative directory walk: unreadable directories are skipped, and at most `maxEntries`
// entries are visited so a huge tree cannot stall the caller.
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/**
 * Visit every entry below `root`. `visit` returns true to descend into a directory entry; its
 * return value is ignored for files.
 */
export function walkTree(
  root: string,
  maxEntries: number,
  visit: (entry: Dirent, path: string) => boolean,
): void {
  const stack = [root];
  let seen = 0;
  while (stack.length && seen < maxEntries) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      const p = join(dir, e.name);
      if (visit(e, p) && e.isDirectory()) stack.push(p);
    }
  }
}
