// What a sandboxed process sees, as an ordered list of mounts: the read-only system, a private
// /tmp and HOME, the policy's read-only and read-write paths, and hidden paths shadowed. Pure: the
// file system is asked through `FsView`, so the plan is unit-tested without touching a disk.
import { isAbsolute, resolve, sep } from 'node:path';
import type { SandboxPolicy } from './sandbox.js';

/** One mount of the sandbox's file system, in the order it is made. */
export type Mount =
  | { kind: 'ro' | 'rw'; src: string; dest: string }
  | { kind: 'symlink'; target: string; dest: string }
  | { kind: 'tmpfs' | 'dev' | 'proc'; dest: string }
  /** An empty, read-only file over a file that must not be read. */
  | { kind: 'mask-file'; dest: string };

/** The file-system facts the plan needs. */
export interface FsView {
  /** `dir`, `file`, `symlink` (with its target) or null when nothing is there. */
  stat(path: string): { type: 'dir' | 'file' | 'other' } | { type: 'symlink'; target: string } | null;
}

/**
 * Top-level system directories bound read-only (symlinks such as `/bin -> usr/bin` on merged-/usr
 * systems are recreated as symlinks). Not bound: /home, /root, /tmp, /var, /run, /mnt, /media,
 * /srv and anything else at the top, where other users' and other experiments' files live; nor
 * /sys (hardware and cgroup details no tool of a run needs; its dozen submounts cost a few ms).
 */
export const SYSTEM_DIRS: readonly string[] = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc',
  '/opt',
  '/nix',
  '/snap',
];

/** Is `p` equal to `dir` or below it? */
export function isWithin(p: string, dir: string): boolean {
  return p === dir || dir === sep || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

const depth = (p: string): number => (p === sep ? 0 : p.split(sep).length - 1);

/** Parents before children; for one path, the later entry of `order` wins. */
const ORDER = { hidden: 0, home: 1, ro: 2, rw: 3 } as const;

/**
 * The mounts for `policy`. Order: system, /dev, /proc, private /tmp, then every policy path by
 * depth (a parent is mounted before what is inside it), so a hidden directory inside a read-only
 * one is shadowed, and the run's own directories inside a hidden one are bound again on top.
 */
export function planMounts(policy: SandboxPolicy, fs: FsView): Mount[] {
  const mounts: Mount[] = [];
  for (const dir of SYSTEM_DIRS) {
    const st = fs.stat(dir);
    if (st?.type === 'symlink') mounts.push({ kind: 'symlink', target: st.target, dest: dir });
    else if (st?.type === 'dir') mounts.push({ kind: 'ro', src: dir, dest: dir });
  }
  // DNS: /etc/resolv.conf may point into /run (systemd-resolved), which is not bound.
  const resolv = fs.stat('/etc/resolv.conf');
  if (resolv?.type === 'symlink') {
    const target = resolve('/etc', resolv.target);
    if (!SYSTEM_DIRS.some((d) => isWithin(target, d)) && fs.stat(target))
      mounts.push({ kind: 'ro', src: target, dest: target });
  }
  mounts.push(
    { kind: 'dev', dest: '/dev' },
    { kind: 'proc', dest: '/proc' },
    { kind: 'tmpfs', dest: '/tmp' },
  );

  // Visible: the top-most mount over `p` binds something (a tmpfs over it shows nothing).
  const visible = (p: string) => {
    for (let i = mounts.length - 1; i >= 0; i--) {
      const m = mounts[i];
      if ((m.kind === 'ro' || m.kind === 'rw' || m.kind === 'tmpfs') && isWithin(p, m.dest))
        return m.kind !== 'tmpfs';
    }
    return false;
  };
  const entries = new Map<string, keyof typeof ORDER>();
  const add = (p: string, kind: keyof typeof ORDER) => {
    if (!isAbsolute(p) || p === sep) return;
    const prev = entries.get(p);
    if (prev === undefined || ORDER[kind] > ORDER[prev]) entries.set(p, kind);
  };
  for (const p of policy.hidden) add(resolve(p), 'hidden');
  for (const p of policy.readOnly) add(resolve(p), 'ro');
  for (const p of policy.writable) add(resolve(p), 'rw');
  for (const h of policy.homes) add(resolve(h), 'home');

  const sorted = [...entries].sort(([a], [b]) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const [p, kind] of sorted) {
    const st = fs.stat(p);
    if (kind === 'home') mounts.push({ kind: 'tmpfs', dest: p });
    else if (kind === 'hidden') {
      // Only what a bind would show needs shadowing; elsewhere it simply is not there.
      if (!st || !visible(p)) continue;
      mounts.push(st.type === 'dir' ? { kind: 'tmpfs', dest: p } : { kind: 'mask-file', dest: p });
    } else if (st) mounts.push({ kind, src: p, dest: p });
  }
  return mounts;
}
