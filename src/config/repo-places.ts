// The task repository as the user named it: where (a flag, a line of --config, a line of test.yaml), and
// whether a local one can be used at all (it exists and is a git repository). A remote URL is checked
// when it is cloned; a local repository's commit by src/engine/check-commit.ts, both before anything
// is created.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readYamlFile } from './load-yaml.js';
import type { Problem, ProblemPlace } from '../problem.js';

/** Where a value was named, and the value as written. */
export type NamedPlace = ProblemPlace & { value?: unknown };

/** Where the experiment's repository and commit come from (the layer that won). */
export interface RepoPlaces {
  repo: NamedPlace;
  commit: NamedPlace;
}

/** The flags that may name them (a part of the run's command-line options). */
export interface RepoFlags {
  repo?: string;
  commit?: string;
  /** `--config FILE`. */
  config?: string;
}

/** What of a loaded test case says where test.yaml names them. */
export interface RepoTestCase {
  file?: string;
  lineOf?: (path: readonly PropertyKey[]) => number | undefined;
  spec: { source?: { repo?: string; hash?: string } };
}

/** The places of `repo` and `commit`: flag > --config > test.yaml (the precedence of their values). */
export function repoPlaces(cli: RepoFlags, tc: RepoTestCase, cwd = process.cwd()): RepoPlaces {
  const configFile = cli.config ? resolve(cwd, cli.config) : null;
  const config = configFile ? readYamlFile(configFile) : null;
  const fromConfig = (key: string): NamedPlace | null => {
    const value = (config?.data as Record<string, unknown> | null)?.[key];
    return configFile && value !== undefined
      ? { file: configFile, line: config!.lineOf([key]), field: key, value }
      : null;
  };
  const fromTest = (key: 'repo' | 'hash'): NamedPlace => ({
    ...(tc.file ? { file: tc.file, line: tc.lineOf?.(['source', key]) } : {}),
    field: `source.${key}`,
    value: tc.spec.source?.[key],
  });
  return {
    repo: cli.repo ? { field: '--repo', value: cli.repo } : (fromConfig('task_repo') ?? fromTest('repo')),
    commit: cli.commit
      ? { field: '--commit', value: cli.commit }
      : (fromConfig('task_commit') ?? fromTest('hash')),
  };
}

/** The local path of a repository named as a path or `file://` URL; null for a remote one. */
export function localRepoPath(repo: string): string | null {
  if (/^file:\/\//i.test(repo)) {
    try {
      return fileURLToPath(repo);
    } catch {
      return null;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) return null;
  // git's rule: `host:path` (a colon before any slash) is scp-like ssh.
  const colon = repo.indexOf(':');
  const slash = repo.indexOf('/');
  return colon >= 0 && (slash < 0 || colon < slash) ? null : resolve(repo);
}

/** Why a local repository cannot be cloned, or null (also null for a remote one). */
export function localRepoProblem(repo: string, at: NamedPlace): Problem | null {
  const path = localRepoPath(repo);
  if (path === null) return null;
  // The path as resolved, when it is not what the value says already.
  const shown = at.value === path ? '' : `: ${path}`;
  const problem = (message: string): Problem => ({ severity: 'error', ...at, message: message + shown });
  if (!existsSync(path)) return problem('does not exist');
  if (!statSync(path).isDirectory()) return problem('is not a git repository (a file)');
  if (!isGitRepository(path)) return problem('is not a git repository (no .git, not a bare repository)');
  return null;
}

/** A work tree (`.git` directory or file) or a bare repository (HEAD, objects/, refs/). */
function isGitRepository(dir: string): boolean {
  if (existsSync(join(dir, '.git'))) return true;
  const names = new Set(readdirSync(dir));
  return names.has('HEAD') && names.has('objects') && names.has('refs');
}
