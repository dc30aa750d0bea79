// The queue's pieces with real components and no agent: the `--queue` address (parsing, never
// showing the password), the check before anything starts against a real redis-server (down, wrong
// password, TLS), payloads through both transports, bundles between two real repositories, and
// which of a worker's store writes the coordinator still has to apply.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesToApply } from '../../src/distributed/apply-stage.js';
import type { Change } from '../../src/distributed/messages.js';
import { applyPayload, packPayload } from '../../src/distributed/payload.js';
import { parseQueueUrl, redactQueueUrl } from '../../src/distributed/queue-url.js';
import { checkQueue } from '../../src/distributed/redis.js';
import { changedFiles, writeFiles } from '../../src/distributed/run-files.js';
import { transports } from '../../src/distributed/transport.js';
import { QueueError, UsageError } from '../../src/errors.js';
import { git, gitdir } from '../helpers/gitdir.js';
import { freePort, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/e2e-runs.js';
import { scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

describe('the --queue address', () => {
  it('parses redis:// and rediss:// with user, password and database; shows it without the password', () => {
    const a = parseQueueUrl('redis://:s3cret@10.0.0.5:6380/2');
    expect(a.redis).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, password: 's3cret' });
    expect(a.redis.tls).toBeUndefined();
    expect(a.shown).toBe('redis://:***@10.0.0.5:6380/2');
    const t = parseQueueUrl('rediss://worker:p%40ss@redis.example:6379');
    expect(t.redis).toMatchObject({
      username: 'worker',
      password: 'p@ss',
      db: 0,
      tls: { servername: 'redis.example' },
    });
    expect(t.shown).toBe('rediss://worker:***@redis.example:6379/0');
    expect(parseQueueUrl('redis://h').redis.port).toBe(6379);
  });

  it('a bad address is a usage error that does not repeat the password', () => {
    for (const bad of ['http://:pw-1@h:1', 'redis://:pw-1@h:1/x', 'not a url', 'redis://:pw-1@h:1/0?tls=1']) {
      const e = (() => {
        try {
          parseQueueUrl(bad);
        } catch (x) {
          return x as Error;
        }
        return null;
      })();
      expect(e).toBeInstanceOf(UsageError);
      expect(e!.message).not.toContain('pw-1');
    }
    expect(redactQueueUrl('at redis://u:pw@h:1/0 and rediss://:x@h')).toBe(
      'at redis://u:***@h:1/0 and rediss://:***@h',
    );
  });
});

describe('the check before anything starts (real redis-server)', () => {
  let redis: RedisServer;
  let tls: RedisServer;
  beforeAll(async () => {
    [redis, tls] = await Promise.all([startRedis(), startRedis({ tls: true })]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), tls?.stop()]);
  });

  it('passes with the right password; a wrong one or a closed port is a QueueError saying so', async () => {
    await checkQueue(parseQueueUrl(redis.url));
    const wrong = await checkQueue(parseQueueUrl(`redis://:nope-123@127.0.0.1:${redis.port}`)).catch(
      (e: Error) => e,
    );
    expect(wrong).toBeInstanceOf(QueueError);
    expect((wrong as Error).message).toMatch(/refused the credentials/);
    expect((wrong as Error).message).not.toContain('nope-123');
    const port = await freePort();
    const down = await checkQueue(parseQueueUrl(`redis://:pw@127.0.0.1:${port}`)).catch((e: Error) => e);
    expect((down as Error).message).toBe(
      `cannot reach the queue at redis://:***@127.0.0.1:${port}/0 (connection refused): start redis-server there (Debian package redis-server) or fix --queue`,
    );
  });

  it('rediss:// with a password works (the CA trusted through NODE_EXTRA_CA_CERTS); a worker serves it', async () => {
    // Without the certificate trusted, TLS fails the check.
    await expect(checkQueue(parseQueueUrl(tls.url), 2000)).rejects.toBeInstanceOf(QueueError);
    await tls.client.sadd('scylla:queues', 'tls-check');
    const env = scyllaEnv('http://127.0.0.1:1', { NODE_EXTRA_CA_CERTS: tls.caFile! });
    const w = startScylla(['worker', '--queue', tls.url, '--work-dir', tmpDir('scylla-work-')], env);
    let log = '';
    w.child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    await waitFor('the worker to serve the queue', () => log.includes('serving queue tls-check'), 30_000);
    w.child.kill('SIGINT');
    const r = await w.done;
    expect(r.code).toBe(130);
    expect(log).toContain(`rediss://:***@127.0.0.1:${tls.port}/0`);
    expect(log).not.toContain(tls.password);
  });
  it('--idle-exit: a worker with no experiment announced for that long exits 0 (a Kubernetes Job ends)', async () => {
    const env = scyllaEnv('http://127.0.0.1:1');
    const args = ['worker', '--queue', redis.url, '--work-dir', tmpDir('scylla-work-'), '--idle-exit', '1'];
    const r = await startScylla(args, env).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('no experiment for 1 s: exiting');
  });
});

const statMode = (f: string) => statSync(f).mode & 0o777;

describe('payloads', () => {
  const files = (dir: string) => {
    mkdirSync(join(dir, 'agent', 'config'), { recursive: true });
    writeFileSync(join(dir, 'agent', 'result.json'), '{"failure":"completed"}\n');
    writeFileSync(join(dir, 'agent', 'replay.sh'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'agent', 'config', '.credentials.json'), '{"token":"never"}');
    mkdirSync(join(dir, 'workspace'));
    writeFileSync(join(dir, 'workspace', 'hello.py'), 'print(1)\n');
  };

  it.each(['inline', 'shared'] as const)(
    '%s: the changed files arrive with their modes; worktree and credentials never travel',
    async (kind) => {
      const from = tmpDir('scylla-run-');
      const to = tmpDir('scylla-run-');
      const transport = transports[kind](tmpDir('scylla-shared-'));
      files(from);
      const seen = new Map<string, string>();
      const first = changedFiles(from, seen);
      expect(first.files.map((f) => f.path)).toEqual(['agent/replay.sh', 'agent/result.json']);
      const payload = await packPayload(transport, 'q/job/1', first.files, first.deleted, null);
      await applyPayload(transport, payload, { runDir: to, repo: to, branch: 'b' });
      expect(readFileSync(join(to, 'agent', 'result.json'), 'utf8')).toBe('{"failure":"completed"}\n');
      expect(existsSync(join(to, 'workspace'))).toBe(false);
      expect(existsSync(join(to, 'agent', 'config', '.credentials.json'))).toBe(false);
      expect(statMode(join(to, 'agent', 'replay.sh'))).toBe(0o755);
      // Nothing changed: nothing to send; a removed file is sent as removed.
      expect(changedFiles(from, seen).files).toEqual([]);
      writeFileSync(join(from, 'agent', 'result.json'), '{"failure":"timed_out"}\n');
      const second = changedFiles(from, seen);
      expect(second.files.map((f) => f.path)).toEqual(['agent/result.json']);
    },
  );

  it("a shared directory lists the jobs whose payloads are still there, and drops one job's at once", async () => {
    const transport = transports.shared(tmpDir('scylla-shared-'));
    const file = { path: 'agent/result.json', mode: 0o644, data: Buffer.from('{}') };
    await transport.pack('q/exp.T0.00.1.a1/1-1', [file]);
    await transport.pack('q/exp.T0.00.1.a1/1-2', [file]);
    await transport.pack('q/exp.T0.01.1.a1/1-1', [file]);
    expect(transport.places('q').sort()).toEqual(['q/exp.T0.00.1.a1', 'q/exp.T0.01.1.a1']);
    transport.drop('q/exp.T0.00.1.a1');
    expect(transport.places('q')).toEqual(['q/exp.T0.01.1.a1']);
    expect(transport.places('other')).toEqual([]);
    expect(transports.inline(null).places('q')).toEqual([]);
  });

  it('a payload path outside the run directory, or into its worktree, is refused', () => {
    const dir = tmpDir('scylla-run-');
    for (const path of ['../escape', '/etc/passwd', 'workspace/x', 'agent/../../x'])
      expect(() => writeFiles(dir, [{ path, mode: 0o644, data: Buffer.from('x') }])).toThrow(QueueError);
  });

  it("a run's branch travels as a bundle against the base commit and lands at the same commit", async () => {
    const worker = gitdir({ 'README.md': '# r\n' });
    const coordinator = tmpDir('scylla-clone-');
    git(coordinator, 'clone', '-q', worker.path, '.');
    git(worker.path, 'checkout', '-q', '-b', 'exp_T0_00_run_01');
    writeFileSync(join(worker.path, 'hello.py'), 'print(1)\n');
    git(worker.path, 'add', '-A');
    git(worker.path, 'commit', '-q', '-m', 'agent');
    const commit = git(worker.path, 'rev-parse', 'HEAD');
    const transport = transports.inline(null);
    const branch = { repo: worker.path, branch: 'exp_T0_00_run_01', commit, base: worker.commit };
    const payload = await packPayload(transport, 'q/j/1', [], [], branch);
    expect(payload.branch?.bundle?.size).toBeGreaterThan(0);
    await applyPayload(transport, payload, {
      runDir: tmpDir(),
      repo: coordinator,
      branch: 'exp_T0_00_run_01',
    });
    expect(git(coordinator, 'rev-parse', 'exp_T0_00_run_01')).toBe(commit);
    expect(git(coordinator, 'for-each-ref', 'refs/scylla')).toBe('');
    // At the base commit nothing travels: the branch is pointed at it.
    const atBase = await packPayload(transport, 'q/j/2', [], [], { ...branch, commit: worker.commit });
    expect(atBase.branch).toEqual({ commit: worker.commit, bundle: null });
    await applyPayload(transport, atBase, { runDir: tmpDir(), repo: coordinator, branch: 'other' });
    expect(git(coordinator, 'rev-parse', 'other')).toBe(worker.commit);
  });
});

describe('which stage output the coordinator still applies', () => {
  const t = (from: string, to: string): Change =>
    ({ kind: 'transition', from, to, patch: {}, detail: null }) as Change;
  const agentAndDiff = [t('prompt_written', 'agent_done'), t('agent_done', 'diff_captured')];

  it('applies from the state it holds, skips what it has, refuses what does not follow', () => {
    expect(changesToApply(agentAndDiff, 'prompt_written')).toEqual(agentAndDiff);
    expect(changesToApply(agentAndDiff, 'agent_done')).toEqual([agentAndDiff[1]]);
    expect(changesToApply(agentAndDiff, 'diff_captured')).toEqual([]);
    expect(changesToApply(agentAndDiff, 'judged')).toEqual([]);
    expect(changesToApply(agentAndDiff, 'config_committed')).toBeNull();
    // An attempt that ended (rate limited, finalized) takes nothing more, except its own next step.
    expect(changesToApply(agentAndDiff, 'rate_limited')).toEqual([]);
    expect(changesToApply([t('finalized', 'cleaned')], 'finalized')).toEqual([t('finalized', 'cleaned')]);
    const judging: Change = { kind: 'judging', judgments: [], outcome: { valid: false, judgeDurationMs: 1 } };
    expect(changesToApply([judging], 'pipeline_done')).toEqual([judging]);
    expect(changesToApply([judging], 'judge_failed')).toEqual([]);
  });
});
