// Where a judge set's files of a run live: set 1 (the run's own judging) in `judge/` with the run's
// `run_result.json`; a re-judging N in `judge/set_NN/` with a `run_result.json` of its own.
import { join } from 'node:path';

/** `run_NN/judge` for set 1, `run_NN/judge/set_NN` for a later set. */
export function judgeSetDir(runDir: string, judgeSet: number): string {
  return judgeSet <= 1
    ? join(runDir, 'judge')
    : join(runDir, 'judge', `set_${String(judgeSet).padStart(2, '0')}`);
}

/** The directory holding the run_result.json (and run reports) of the run as set N judged it. */
export function runResultDir(runDir: string, judgeSet: number): string {
  return judgeSet <= 1 ? runDir : judgeSetDir(runDir, judgeSet);
}
