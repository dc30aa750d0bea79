// Files of one judge call in judge/judge_NN/: prompt, raw replies, judgment, timing, model provenance.
import { join } from 'node:path';
import { RECORD, writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import type { Judgment } from './judgment.js';

/** One attempt of a judge call, for timing.json and response.txt. */
export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  durationMs: number;
  outcome: 'ok' | 'unparseable' | 'judge_error';
  /** Parse or call error of a failed attempt. */
  error?: string;
  /** Raw reply text ('' when the call failed). */
  text: string;
  /** Model the API said answered. */
  model?: string;
}

/** Everything written for one judge. */
export interface JudgeArtefacts {
  transport: string;
  system: string;
  user: string;
  attempts: AttemptRecord[];
  judgment: Judgment;
  startedAt: string;
  finishedAt: string;
}

/** Write prompt.md, response.txt, judgment.json, timing.json and MODEL.md into `dir`, each atomically. */
export function writeJudgeArtefacts(dir: string, a: JudgeArtefacts): void {
  writeFileAtomic(
    join(dir, 'prompt.md'),
    `# System prompt\n\n${a.system.trim()}\n\n# User message\n\n${a.user.trim()}\n`,
    RECORD,
  );
  const replies = a.attempts.map((t) => {
    const head = `===== attempt ${t.attempt} (${t.outcome}) =====`;
    const body = t.outcome === 'judge_error' ? `[no reply: ${t.error ?? 'judge error'}]` : t.text;
    const note = t.outcome === 'unparseable' ? `\n[unusable: ${t.error ?? ''}]` : '';
    return `${head}\n${body}${note}`;
  });
  writeFileAtomic(join(dir, 'response.txt'), replies.join('\n\n') + '\n', RECORD);
  // The judgment itself is in the store (with the run's transition): these files are its evidence.
  writeJsonAtomic(join(dir, 'judgment.json'), a.judgment, RECORD);
  writeJsonAtomic(
    join(dir, 'timing.json'),
    {
      startedAt: a.startedAt,
      finishedAt: a.finishedAt,
      durationMs: a.judgment.durationMs,
      attempts: a.attempts.map(({ attempt, startedAt, durationMs, outcome, error }) => ({
        attempt,
        startedAt,
        durationMs,
        outcome,
        ...(error ? { error } : {}),
      })),
    },
    RECORD,
  );
  const answered = [...new Set(a.attempts.map((t) => t.model).filter(Boolean))].join(', ') || '(no reply)';
  writeFileAtomic(
    join(dir, 'MODEL.md'),
    `# Judge model\n\n- requested: ${a.judgment.model}\n- answered by: ${answered}\n- transport: ${a.transport}\n` +
      `- started: ${a.startedAt}\n- finished: ${a.finishedAt}\n`,
    RECORD,
  );
}
