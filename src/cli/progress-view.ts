// The live progress view: a log-update frame on a terminal, redrawn twice a second, with log lines
// printed above it; off a terminal the logger's one line per state change is the progress.
import type { createLogUpdate } from 'log-update';
import { progressSnapshot, renderProgress } from '../engine/progress.js';
import type { ExperimentContext } from '../engine/context.js';

export interface ProgressView {
  attach(ctx: ExperimentContext): void;
  /** Print a log line without tearing the frame. */
  log(line: string): void;
  stop(): void;
}

export function createProgressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const tty = stream.isTTY === true;
  // The frame's library is loaded only for a terminal (off one, nothing is redrawn).
  let update: ReturnType<typeof createLogUpdate> | null = null;
  if (tty) void import('log-update').then((m) => (update = m.createLogUpdate(stream)));
  const contexts: ExperimentContext[] = [];
  const startedAt = Date.now();
  const draw = () => {
    const frame: string[] = [];
    for (const ctx of contexts) {
      try {
        const s = progressSnapshot(ctx.store, {
          active: ctx.active,
          pause: ctx.gate.paused,
          startedAt,
          parallel: ctx.slots.agentLimit,
        });
        frame.push(...renderProgress(s, contexts.length > 1 ? 4 : 12));
      } catch {
        // This experiment's store is closed (it ended): it is simply not drawn.
      }
    }
    if (frame.length) update?.(frame.join('\n'));
  };
  const timer = tty ? setInterval(draw, 500) : undefined;
  timer?.unref();
  return {
    attach: (c) => {
      contexts.push(c);
    },
    log: (line) => {
      if (tty) update?.clear();
      stream.write(`${line}\n`);
      if (tty) draw();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      if (tty) {
        draw();
        update?.done();
      }
      contexts.length = 0;
    },
  };
}
