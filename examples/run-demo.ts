// `npm run demo`: an offline experiment on examples/hello-world. Creates the task repository,
// starts the scripted model server, runs `scylla run` with the real Claude Code CLI against it,
// and prints where the report is.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startModelServer } from '../test/helpers/model-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples', 'hello-world');
const work = join(root, '.tmp', 'demo');
const repo = join(work, 'task-repo');

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Demo',
      GIT_AUTHOR_EMAIL: 'demo@localhost',
      GIT_COMMITTER_NAME: 'Demo',
      GIT_COMMITTER_EMAIL: 'demo@localhost',
    },
  }).trim();
}

rmSync(repo, { recursive: true, force: true });
mkdirSync(repo, { recursive: true });
cpSync(join(example, 'task'), repo, { recursive: true });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'greeter: initial');
const commit = git('rev-parse', 'HEAD');

const script = JSON.parse(readFileSync(join(example, 'model-script.json'), 'utf8')) as Parameters<
  typeof startModelServer
>[0];
const server = await startModelServer(script);
const resultsDir = join(root, 'results');
const args = [
  join(root, 'bin', 'scylla.js'),
  'run',
  '--tiers-dir',
  join(example, 'case'),
  '--repo',
  repo,
  '--commit',
  commit,
  '--runs',
  '2',
  '--parallel',
  '2',
  '--results-dir',
  resultsDir,
  '--agent-bin',
  join(root, 'node_modules', '.bin', 'claude'),
  '--fresh',
  ...process.argv.slice(2),
];
console.log(`demo: scripted model server on ${server.url}; running scylla ${args.slice(1).join(' ')}`);
const code = await new Promise<number>((done) => {
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: 'demo-key-not-a-secret',
    },
  });
  child.on('close', (c) => done(c ?? 1));
});
await server.close();
console.log(
  code === 0
    ? `demo: done; open the report.md printed above (under ${resultsDir}).`
    : `demo: scylla exited with ${code}`,
);
process.exit(code);
