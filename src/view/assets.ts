// The browser side is plain files, no build step: our ES modules and CSS in src/view/assets (shipped
// with the package), and diff2html's browser bundle and CSS served from its installed package.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { HttpError, type Reply } from './router.js';

/** src/view/assets of the package (shipped with it; the build and the bundle serve it from there). */
const assetsDir = join(PACKAGE_ROOT, 'src', 'view', 'assets');
export const ASSETS_DIR: string | undefined = existsSync(join(assetsDir, 'app.css')) ? assetsDir : undefined;

function diff2htmlDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('diff2html/package.json')), 'bundles');
  } catch {
    return null;
  }
}

const VENDOR: Record<string, string> = {
  'diff2html.css': 'css/diff2html.min.css',
  'diff2html-ui.js': 'js/diff2html-ui-slim.min.js',
};

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

function file(path: string): Reply {
  return {
    kind: 'file',
    path,
    type: TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream',
    cache: 'no-cache',
  };
}

/** `/assets/<name>` and `/assets/vendor/<name>`. */
export function asset(rest: readonly string[]): Reply {
  if (rest.length === 2 && rest[0] === 'vendor' && VENDOR[rest[1]]) {
    const dir = diff2htmlDir();
    const p = dir && join(dir, VENDOR[rest[1]]);
    if (p && existsSync(p)) return file(p);
  }
  if (rest.length === 1 && /^[\w-]+\.(js|css|svg)$/.test(rest[0]) && ASSETS_DIR) {
    const p = join(ASSETS_DIR, rest[0]);
    if (existsSync(p) && statSync(p).isFile()) return file(p);
  }
  throw new HttpError(404, 'no such asset');
}
