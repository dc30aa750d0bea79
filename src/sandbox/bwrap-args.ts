// The bubblewrap command line of one sandboxed process: namespaces, the mounts, the working
// directory, then the command. Pure.
import type { Mount } from './mounts.js';
import type { GateSockets, NetworkMode } from './sandbox.js';

/**
 * Namespaces and hardening every sandboxed process gets:
 * - every namespace bubblewrap can make (user, pid, ipc, uts, cgroup, mount, network); with
 *   `network: open` the network's is shared again (`--share-net`): the model endpoint on
 *   127.0.0.1 stays reachable; with `allowlist` only loopback exists (see netPrelude);
 * - `--cap-drop ALL`: as root, a process that keeps its capabilities can remount a read-only bind
 *   read-write (`mount -o remount,bind,rw /usr` succeeded in a trial) and write to the host;
 * - `--die-with-parent`: nothing of the run outlives Scylla; the pid namespace ends with its
 *   command, taking whatever the command left running with it.
 * No `--new-session`: Scylla starts every process in a session without a terminal already, and the
 * sandboxed command must stay in Scylla's process group for timeouts and Ctrl-C to reach it.
 */
export const BWRAP_FLAGS: readonly string[] = ['--unshare-all', '--die-with-parent', '--cap-drop', 'ALL'];

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
  // `open`: the machine's network namespace. `allowlist`: a namespace of its own (loopback only).
  const args = [...BWRAP_FLAGS];
  if (opts.network === 'open') args.splice(1, 0, '--share-net');
  for (const m of mounts) args.push(...mountArgs(m));
  // The root itself (the directories bubblewrap made as mount points) is read-only too.
  args.push('--remount-ro', '/', '--chdir', opts.cwd);
  if (opts.statusFd !== undefined) args.push('--json-status-fd', String(opts.statusFd));
  args.push('--');
  return args;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * With `network: allowlist`, what runs first inside the sandbox: `socat` listeners on loopback for
 * the proxy and every forwarded port (each to its gate socket), a wait until they listen (read from
 * /proc/net/tcp, at most about a second), then the command itself (`exec "$@"`).
 */
export function netPrelude(gate: GateSockets, socat: string): string[] {
  const ports = [{ port: gate.proxy.port, socket: gate.proxy.socket }, ...gate.forwards];
  const start = ports.map(
    (p) =>
      `${shq(socat)} TCP-LISTEN:${p.port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${shq(p.socket)} 2>/dev/null &`,
  );
  const hex = ports.map((p) => p.port.toString(16).toUpperCase().padStart(4, '0'));
  const wait = `for p in ${hex.join(' ')}; do i=0; until grep -q ":$p 00000000:0000 0A" /proc/net/tcp; do i=$((i+1)); [ $i -gt 200 ] && break; sleep 0.005; done; done`;
  return ['/bin/sh', '-c', [...start, wait, 'exec "$@"'].join('\n'), 'scylla-net'];
}

/** The proxy variables of a sandboxed process under `network: allowlist`. */
export function proxyEnv(gate: GateSockets): Record<string, string> {
  const url = `http://127.0.0.1:${gate.proxy.port}`;
  const env: Record<string, string> = { NO_PROXY: '', no_proxy: '' };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) env[k] = env[k.toLowerCase()] = url;
  return env;
}
