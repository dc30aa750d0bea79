// The layer rules (.dependency-cruiser.cjs) as a check: they catch back-edges and cycles in a tiny
// tree built for the purpose, and find none in the real src/.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../src/util/process.js';
import { writeTree } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** `depcruise src` in `cwd` with the rule file found there; its exit code and report. */
async function depcruise(cwd: string): Promise<{ exitCode: number | null; report: string }> {
  const r = await runProcess({
    cmd: process.execPath,
    args: [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
    cwd,
    env: { PATH: process.env.PATH },
    timeoutMs: 60_000,
  });
  return { exitCode: r.exitCode, report: r.stdout + r.stderr };
}

/** Violations as `rule: a → b` (a cycle as `rule: a → b → a`), from the `err` report. */
function violations(report: string): string[] {
  return [...report.matchAll(/error (\S+): ((?:\S+ →\s*)+\S+)/g)].map(
    ([, rule, path]) => `${rule}: ${path.split(/\s*→\s*/).join(' → ')}`,
  );
}

describe('layer rules', () => {
  it('report a back-edge, a cycle, an import of cli, SQLite outside the store and an unknown folder', async () => {
    const dir = tmpDir('scylla-layers-');
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeTree(dir, {
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
        include: ['src'],
      }),
      'node_modules/better-sqlite3/package.json': '{"name":"better-sqlite3","main":"index.js"}',
      'node_modules/better-sqlite3/index.js': 'module.exports = {};\n',
      // allowed: the engine uses a service, a service uses a leaf
      'src/engine/run.ts': "import { agentName } from '../agent/name.js';\nexport const run = agentName;\n",
      'src/agent/name.ts':
        "import { TIMEOUT } from '../config/defaults.js';\nexport const agentName = `a${TIMEOUT}`;\n",
      // back-edge: a leaf imports a layer above it
      'src/config/defaults.ts':
        "import { agentName } from '../agent/name.js';\nexport const TIMEOUT = 1;\nexport const x = agentName;\n",
      // back-edge between services: stats must not import report
      'src/stats/numbers.ts': "import { page } from '../report/page.js';\nexport const n = page;\n",
      'src/report/page.ts': 'export const page = 1;\n',
      // a cycle through a type-only import
      'src/judge/transport.ts': "import type { Impl } from './impl.js';\nexport type Transport = Impl;\n",
      'src/judge/impl.ts':
        "import type { Transport } from './transport.js';\nexport interface Impl { t?: Transport }\n",
      // nothing imports the CLI; only the store touches SQLite
      'src/cli/main.ts': 'export const main = 1;\n',
      'src/workspace/exit.ts': "import { main } from '../cli/main.js';\nexport const exit = main;\n",
      'src/engine/peek.ts': "import Database from 'better-sqlite3';\nexport const db = Database;\n",
      // a folder the map does not know
      'src/gadgets/tool.ts':
        "import { TIMEOUT } from '../config/defaults.js';\nexport const tool = TIMEOUT;\n",
    });
    const { exitCode, report } = await depcruise(dir);
    expect(exitCode, report).not.toBe(0);
    const found = violations(report);
    // The back-edge closes a cycle of its own; the allowed edges are no violation.
    expect(found.sort()).toEqual([
      'layer-stats: src/stats/numbers.ts → src/report/page.ts',
      'leaf-config: src/config/defaults.ts → src/agent/name.ts',
      'no-cycle: src/agent/name.ts → src/config/defaults.ts → src/agent/name.ts',
      'no-cycle: src/judge/impl.ts → src/judge/transport.ts → src/judge/impl.ts',
      'nothing-imports-cli: src/workspace/exit.ts → src/cli/main.ts',
      'sqlite-only-in-store: src/engine/peek.ts → node_modules/better-sqlite3/index.js',
      'unknown-layer: src/gadgets/tool.ts → src/config/defaults.ts',
    ]);
  });

  it('find no violation in src/', async () => {
    const { exitCode, report } = await depcruise(ROOT);
    expect(violations(report)).toEqual([]);
    expect(exitCode, report).toBe(0);
  });
});
