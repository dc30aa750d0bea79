// The bubblewrap command line of one sandboxed process: namespaces, the mounts, the working
// directory, then the command. Pure.
import type { Mount } from './mounts.js';
import type { NetworkMode } from './sandbox.js';

/**
 * Namespaces and hardening every sandboxed process gets:
 * - every namespace bubblewrap can make (user, pid, ipc, uts, cgroup, mount) except the network's,
 *   which is shared (`network: open`): the model endpoint on 127.0.0.1 stays reachable;
 * - `--cap-drop ALL`: as root, a process that keeps its capabilities can remount a read-only bind
 *   read-write (`mount -o remount,bind,rw /usr` succeeded in a trial) and write to the host;
 * - `--die-with-parent`: nothing of the run outlives Scylla; the pid namespace ends with its
 *   command, taking whatever the command left running with it.
 * No `--new-session`: Scylla starts every process in a session without a terminal already, and the
 * sandboxed command must stay in Scylla's process group for timeouts and Ctrl-C to reach it.
 */
export const BWRAP_FLAGS: readonly string[] = [
  '--unshare-all',
  '--share-net',
  '--die-with-parent',
  '--cap-drop',
  'ALL',
];

/** The arguments of one mount. */
export function mountArgs(m: Mount): string[] {
  switch (m.kind) {
    case 'ro':
      return ['--ro-bind', m.src, m.dest];
    case 'rw':
      return ['--bind', m.src, m.dest];
    case 'symlink':
      return ['--symlink', m.target, m.dest];
    case 'tmpfs':
      return ['--tmpfs', m.dest];
    case 'dev':
      return ['--dev', m.dest];
    case 'proc':
      return ['--proc', m.dest];
    case 'mask-file':
      return ['--ro-bind', '/dev/null', m.dest];
  }
}

/** Everything between `bwrap` and the command: flags, mounts, a read-only root, cwd, status fd. */
export function bwrapArgs(
  mounts: readonly Mount[],
  opts: { cwd: string; network: NetworkMode; statusFd?: number },
): string[] {
  const args = [...BWRAP_FLAGS];
  if (opts.network !== 'open')
    throw new RangeError(`bwrap sandbox: network ${opts.network} is not supported`);
  for (const m of mounts) args.push(...mountArgs(m));
  // The root itself (the directories bubblewrap made as mount points) is read-only too.
  args.push('--remount-ro', '/', '--chdir', opts.cwd);
  if (opts.statusFd !== undefined) args.push('--json-status-fd', String(opts.statusFd));
  args.push('--');
  return args;
}
