// The bad-input corpus's kit: a fresh valid test case per case (either layout) to break, the CLI run
// in-process (`main([...])`, milliseconds a case) with everything it prints captured, and what a case
// asserts: the exit code, the place (file, line, field, value) in `run` and in `validate`, no stack
// trace, nothing created in the results directory, no agent started.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import { quoteValue } from '../../src/problem.js';
import { buildTestCase, type BuildTestCaseOptions } from '../helpers/fixture-builder.js';
import { tmpDir } from '../helpers/tmp.js';

export type Layout = 'resources_dir' | 'shared';

/** A freshly built, valid test case for one case to break. */
export interface CaseCtx {
  layout: Layout;
  /** Scratch space next to the test case (for files outside it). */
  root: string;
  tiersDir: string;
  resourcesDir: string;
  testYaml: string;
  repo: { path: string; commit: string };
  /** The results directory `run` is given; it does not exist before the run. */
  results: string;
  /** A subtest's config file in this layout (`T0`, `02-two-blocks`). */
  subtestFile(tier: string, name: string): string;
  /** A tier's directory of subtests in this layout. */
  tierDir(tier: string): string;
}

/** What a place in a message is: the pieces `formatProblem` prints. */
export interface Place {
  file?: string;
  line?: number;
  field?: string;
  value?: unknown;
}

/** One malformed input. */
export interface BadCase {
  name: string;
  layout?: Layout;
  build?: Omit<Partial<BuildTestCaseOptions>, 'repo' | 'layout'>;
  /** Break the fresh test case. */
  setup?: (c: CaseCtx) => void;
  /** Extra `run` flags. */
  flags?: (c: CaseCtx) => string[];
  /** Extra `validate` flags; `null`: validate has no such input (a `run`-only flag). Default none. */
  validateFlags?: ((c: CaseCtx) => string[]) | null;
  /** 1 bad input, 2 usage, 0 accepted with a warning (`run --dry-run` and `validate` both warn). */
  exit: 0 | 1 | 2;
  /** Where the message points. */
  at?: (c: CaseCtx) => Place;
  /** What else the message says. */
  says?: RegExp;
  /** Skip (e.g. file permissions mean nothing to root). */
  skip?: boolean;
}

/** 1-based line of the first line of `file` containing `needle`. */
export function lineIn(file: string, needle: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

export function write(file: string, content: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** Rewrite a YAML file through `edit` (its data as a plain object). */
export function editYaml(file: string, edit: (y: Record<string, unknown>) => void): void {
  const y = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  edit(y);
  writeFileSync(file, stringify(y));
}

/** A YAML "billion laughs": nine levels of nine aliases each. */
export function aliasBomb(key = 'bomb'): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  lines.push(`${key}: *a8`);
  return lines.join('\n') + '\n';
}

/** Build the case's test case. */
export function makeCase(bc: BadCase, repo: { path: string; commit: string }): CaseCtx {
  const layout = bc.layout ?? 'resources_dir';
  const { tiersDir, resourcesDir } = buildTestCase({ repo, layout, ...bc.build });
  const root = tmpDir('scylla-bad-');
  const shared = layout === 'shared';
  const tierDir = (tier: string) =>
    shared ? join(resourcesDir, 'subtests', tier.toLowerCase()) : join(tiersDir, tier.toLowerCase());
  return {
    layout,
    root,
    tiersDir,
    resourcesDir,
    testYaml: join(tiersDir, 'test.yaml'),
    repo,
    results: join(root, 'results'),
    tierDir,
    subtestFile: (tier, name) =>
      shared ? join(tierDir(tier), `${name}.yaml`) : join(tierDir(tier), name, 'config.yaml'),
  };
}

/** An agent that must never start: it leaves a mark. */
export function markingAgent(): { bin: string; mark: string } {
  const dir = tmpDir('scylla-bad-agent-');
  const bin = join(dir, 'agent.sh');
  const mark = join(dir, 'started');
  writeFileSync(bin, `#!/bin/sh\ntouch '${mark}'\nexit 1\n`);
  chmodSync(bin, 0o755);
  return { bin, mark };
}

/** What one in-process CLI call did. */
export interface CliResult {
  code: number;
  /** stdout and stderr, interleaved as printed. */
  out: string;
}

/** Run `scylla ...argv` in this process, capturing everything it prints. */
export async function cli(argv: string[]): Promise<CliResult> {
  const chunks: string[] = [];
  const line = (...a: unknown[]) => void chunks.push(a.map(String).join(' ') + '\n');
  const spies = [
    vi.spyOn(console, 'log').mockImplementation(line),
    vi.spyOn(console, 'error').mockImplementation(line),
    vi.spyOn(console, 'warn').mockImplementation(line),
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (chunks.push(String(s)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (chunks.push(String(s)), true)),
  ];
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'scylla', ...argv]);
    return { code: Number(process.exitCode ?? 0), out: chunks.join('') };
  } finally {
    process.exitCode = before;
    for (const s of spies) s.mockRestore();
  }
}

/** The pieces of a place as messages print them, each of which must appear. */
export function placePieces(p: Place): string[] {
  const out: string[] = [];
  if (p.file) out.push(p.line ? `${p.file}:${p.line}: ` : p.file);
  if (p.field) out.push(`${p.field}: `);
  if (p.value !== undefined) out.push(quoteValue(p.value));
  return out;
}

/** Nothing in the results directory: it is absent, or (it existed) as it was. */
export function createdIn(results: string): string[] {
  if (!existsSync(results)) return [];
  try {
    return readdirSync(results);
  } catch {
    return []; // a file, not a directory: the case made it so
  }
}
