// Names in the queue: the queue of an experiment (or a batch), the job of one run attempt, the
// scratch places a worker gives a job. All are stable, so a restarted coordinator finds its jobs.
import { createHash } from 'node:crypto';
import type { RunKey } from '../store/run-key.js';

/** One experiment's queue is named after it; a batch shares one queue named after its test cases. */
export function queueName(experimentIds: readonly string[]): string {
  if (experimentIds.length === 1) return experimentIds[0];
  const ids = [...experimentIds].sort();
  const h = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 10);
  return `batch-${ids.length}-${h}`;
}

/**
 * The job of one attempt of a run: `<experiment dir>.<tier>.<subtest>.<run>.a<attempt>`. BullMQ adds
 * a job id once, so enqueuing an attempt again (a restarted coordinator) never makes a second job.
 */
export function jobId(expKey: string, k: RunKey, attempt: number): string {
  return `${expKey}.${k.tier}.${k.subtest}.${k.run}.a${attempt}`;
}
