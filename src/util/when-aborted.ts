// A promise for a signal's abort, for racing against other waits.
const aborts = new WeakMap<AbortSignal, Promise<void>>();

/**
 * Resolves when `signal` aborts (at once when it already has). One promise and one listener per
 * signal, however many waiters race against it.
 */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  let p = aborts.get(signal);
  if (!p) {
    p = new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    aborts.set(signal, p);
  }
  return p;
}
