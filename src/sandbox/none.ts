// No sandbox (`--sandbox none`, or `auto` where bubblewrap does not work): processes run as they
// are, and every record of the run says so.
import type { CommandLine, WrappedCommand } from '../util/process.js';
import type { Sandbox, SandboxProvider, SandboxRecord } from './sandbox.js';

/** An unsandboxed run's record: `reason` says why. */
export function unsandboxedRecord(reason: string): SandboxRecord {
  return { kind: 'none', reason, network: 'unrestricted', writable: [], readOnly: [], hidden: [] };
}

/** The no-op sandbox; `reason` is recorded with every run. */
export function noSandbox(reason: string): Sandbox {
  return {
    kind: 'none',
    wrap: (c: CommandLine): WrappedCommand => c,
    describe: () => unsandboxedRecord(reason),
    replayPrefix: () => [],
  };
}

/** Always works; sandboxes nothing. */
export const noneProvider: SandboxProvider = {
  kind: 'none',
  probe: () => Promise.resolve(null),
  create: () => noSandbox('--sandbox none'),
};
