// Is another scylla process driving this experiment? A live owner pid with a fresh heartbeat wins.
import { pidAlive } from '../util/pid-alive.js';

/** Heartbeat older than this means the owner is dead even if its pid was reused. */
export const STALE_HEARTBEAT_MS = 120_000;
/** How often the owner refreshes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** The pid of a live other owner, or null when this process may take over. */
export function liveOwner(
  ownerPid: number | null,
  heartbeatAt: string | null,
  now = Date.now(),
): number | null {
  if (!ownerPid || ownerPid === process.pid) return null;
  if (!pidAlive(ownerPid)) return null;
  if (heartbeatAt && now - Date.parse(heartbeatAt) > STALE_HEARTBEAT_MS) return null;
  return ownerPid;
}
