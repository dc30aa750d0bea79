// The mount plan and the bubblewrap command line: what is bound how, in which order.
import { describe, expect, it } from 'vitest';
import { bwrapArgs } from '../../src/sandbox/bwrap-args.js';
import { planMounts, type FsView, type Mount } from '../../src/sandbox/mounts.js';
import type { SandboxPolicy } from '../../src/sandbox/sandbox.js';
import { installRoot } from '../../src/sandbox/tool-paths.js';

/** A file system of directories (ending in `/`), files and symlinks (`path -> target`). */
function fakeFs(entries: string[]): FsView {
  const map = new Map<string, ReturnType<FsView['stat']>>();
  for (const e of entries) {
    const [path, target] = e.split(' -> ');
    if (target) map.set(path, { type: 'symlink', target });
    else if (path.endsWith('/')) map.set(path.slice(0, -1), { type: 'dir' });
    else map.set(path, { type: 'file' });
  }
  return { stat: (p) => map.get(p) ?? null };
}

const SYSTEM = ['/usr/', '/bin -> usr/bin', '/lib -> usr/lib', '/etc/', '/etc/resolv.conf', '/opt/', '/sys/'];
// /sys exists but is not bound.
const EXP = '/opt/results/2026-exp';
const WS = `${EXP}/T0/00/run_02/workspace`;
const fs = fakeFs([
  ...SYSTEM,
  '/opt/results/',
  `${EXP}/`,
  `${EXP}/task.git/`,
  `${WS}/`,
  `${EXP}/T0/00/run_02/agent/config/`,
  '/home/u/',
  '/home/u/.pyenv/',
  '/home/u/cases/t1/',
  '/home/u/cases/t1/expected/criteria.md',
]);

const policy = (extra: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
  writable: [WS, `${EXP}/T0/00/run_02/agent/config`],
  readOnly: ['/home/u/.pyenv', `${EXP}/task.git`, '/nowhere'],
  hidden: ['/opt/results', EXP, '/home/u/cases/t1', '/home/u/cases/t1/expected/criteria.md'],
  homes: ['/home/u'],
  network: 'open',
  ...extra,
});

const show = (m: Mount) =>
  m.kind === 'symlink' ? `symlink ${m.dest}` : 'src' in m ? `${m.kind} ${m.dest}` : `${m.kind} ${m.dest}`;

describe('planMounts', () => {
  it('binds the system read-only, then home, hidden paths, tools and the run by depth', () => {
    expect(planMounts(policy(), fs).map(show)).toEqual([
      'ro /usr',
      'symlink /bin',
      'symlink /lib',
      'ro /etc',
      'ro /opt',
      'dev /dev',
      'proc /proc',
      'tmpfs /tmp',
      'tmpfs /home/u',
      // The results directory lies inside /opt: shadowed, and so is the experiment inside it.
      'tmpfs /opt/results',
      'ro /home/u/.pyenv',
      // The test case below HOME is not visible (HOME is empty inside): nothing to shadow.
      `ro ${EXP}/task.git`,
      `rw ${WS}`,
      `rw ${EXP}/T0/00/run_02/agent/config`,
    ]);
  });

  it('skips read-only paths that do not exist and never mounts over /', () => {
    const m = planMounts(policy({ readOnly: ['/nowhere', '/'], hidden: ['/'] }), fs);
    expect(m.some((x) => x.dest === '/nowhere' || x.dest === '/')).toBe(false);
  });

  it('shadows a hidden file in a visible directory with an empty file, not inside a hidden one', () => {
    const visible = policy({
      readOnly: ['/home/u/cases'],
      hidden: ['/home/u/cases/t1/expected/criteria.md'],
    });
    const fs2 = fakeFs([...SYSTEM, '/home/u/', '/home/u/cases/', '/home/u/cases/t1/expected/criteria.md']);
    expect(planMounts(visible, fs2).map(show)).toContain('mask-file /home/u/cases/t1/expected/criteria.md');
    const both = policy({ readOnly: ['/home/u/cases'] });
    const shown = planMounts(
      both,
      fakeFs([
        ...SYSTEM,
        '/home/u/',
        '/home/u/cases/',
        '/home/u/cases/t1/',
        '/home/u/cases/t1/expected/criteria.md',
      ]),
    ).map(show);
    expect(shown).toContain('tmpfs /home/u/cases/t1');
    expect(shown.some((s) => s.startsWith('mask-file'))).toBe(false);
  });

  it('binds the target of a /etc/resolv.conf that points outside the system directories', () => {
    const m = planMounts(
      policy(),
      fakeFs([
        ...SYSTEM.filter((e) => e !== '/etc/resolv.conf'),
        '/etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf',
        '/run/systemd/resolve/stub-resolv.conf',
      ]),
    );
    expect(m.map(show)).toContain('ro /run/systemd/resolve/stub-resolv.conf');
  });

  it('a path both hidden and writable is writable; both read-only and writable, writable', () => {
    const m = planMounts(policy({ hidden: [WS], readOnly: [WS] }), fs).filter((x) => x.dest === WS);
    expect(m.map(show)).toEqual([`rw ${WS}`]);
  });
});

describe('bwrapArgs', () => {
  it('drops every capability, shares only the network, makes / read-only, then cd and the status fd', () => {
    const args = bwrapArgs([{ kind: 'ro', src: '/usr', dest: '/usr' }], {
      cwd: WS,
      network: 'open',
      statusFd: 3,
    });
    expect(args).toEqual([
      '--unshare-all',
      '--share-net',
      '--die-with-parent',
      '--cap-drop',
      'ALL',
      '--ro-bind',
      '/usr',
      '/usr',
      '--remount-ro',
      '/',
      '--chdir',
      WS,
      '--json-status-fd',
      '3',
      '--',
    ]);
    expect(args).not.toContain('--new-session');
  });

  it('network: allowlist keeps the network namespace of its own (loopback only)', () => {
    const args = bwrapArgs([], { cwd: '/', network: 'allowlist' });
    expect(args.slice(0, 4)).toEqual(['--unshare-all', '--die-with-parent', '--cap-drop', 'ALL']);
    expect(args).not.toContain('--share-net');
  });
});

describe('installRoot', () => {
  const homes = ['/home/u'];
  it.each([
    ['/work/scylla/node_modules/.bin/claude', '/work/scylla/node_modules'],
    ['/work/scylla/node_modules/@x/y/node_modules/z/bin/z.js', '/work/scylla/node_modules'],
    ['/home/u/.pyenv/shims/python3', '/home/u/.pyenv'],
    ['/home/u/.cargo/bin/cargo', '/home/u/.cargo'],
    ['/srv/tools/python/bin/python3', '/srv/tools/python'],
    ['/srv/tools/run.sh', '/srv/tools'],
    ['/home/u/bin/x', '/home/u/bin'],
    ['/x', '/'],
  ])('%s → %s', (path, root) => {
    expect(installRoot(path, homes)).toBe(root);
  });
});
