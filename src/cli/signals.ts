// Ctrl-C / SIGTERM: the first stops scheduling (running runs finish), the second kills agents now.
import type { Logger } from '../util/logger.js';

export interface StopHandlers {
  soft: AbortSignal;
  hard: AbortSignal;
  dispose(): void;
}

export function installStopHandlers(logger: Logger): StopHandlers {
  const soft = new AbortController();
  const hard = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!soft.signal.aborted) {
      soft.abort();
      logger.warn(`${sig}: finishing the runs in progress, starting no new ones (again to stop now)`);
    } else if (!hard.signal.aborted) {
      hard.abort();
      logger.warn(`${sig}: stopping now; interrupted runs will be redone on resume`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    soft: soft.signal,
    hard: hard.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
