// One judge on one run: call, parse, retry with a JSON-only reminder, score against the rubric, write artefacts.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Rubric } from '../config/rubric.js';
import { InterruptedError, JudgeError } from '../errors.js';
import { writeJudgeArtefacts, type AttemptRecord } from './judge-artefacts.js';
import type { Judgment } from './judgment.js';
import { parseVerdict, type Verdict } from './parse-verdict.js';
import { grade, passes, scoreFromItems } from './score.js';
import type { JudgeTransport } from './transport.js';

/** Options of one judge run. */
export interface RunJudgeOptions {
  transport: JudgeTransport;
  model: string;
  system: string;
  /** The context document (see buildJudgeContext). */
  user: string;
  rubric: Rubric;
  /** Per call. */
  timeoutMs: number;
  /** Calls at most (first + retries). Default 3. */
  maxAttempts?: number;
  signal?: AbortSignal;
  /** When given, prompt.md, response.txt, judgment.json, timing.json and MODEL.md are written here. */
  artefactDir?: string;
  /** Pause before retrying after a failed call (not after an unparseable reply): this × attempt. Default 2000. */
  retryDelayMs?: number;
  maxTokens?: number;
}

/** Appended to the prompt when the previous reply could not be used. */
export function jsonReminder(error: string): string {
  return (
    `\n\n## Reminder\n\nYour previous reply could not be used (${error}). Answer again with exactly one JSON ` +
    'object following the output contract, with one criteria_scores entry per rubric item. JSON only: no prose, ' +
    'no explanation outside the JSON.'
  );
}

/**
 * Run one judge. Rate limits (RateLimitError) and interruption propagate: they are not judgments.
 * A reply that never parses is `failure: 'unparseable'`; calls that keep failing are `'judge_error'`.
 */
export async function runJudge(opts: RunJudgeOptions): Promise<Judgment> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const retryDelayMs = opts.retryDelayMs ?? 2000;
  const startedAt = new Date();
  const attempts: AttemptRecord[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  let verdict: { v: Verdict; missingItems: string[] } | undefined;
  let user = opts.user;

  for (let attempt = 1; attempt <= maxAttempts && !verdict; attempt++) {
    if (opts.signal?.aborted) throw new InterruptedError('judge interrupted');
    const t0 = Date.now();
    const rec: AttemptRecord = {
      attempt,
      startedAt: new Date(t0).toISOString(),
      durationMs: 0,
      outcome: 'ok',
      text: '',
    };
    attempts.push(rec);
    try {
      const res = await opts.transport.complete({
        model: opts.model,
        system: opts.system,
        user,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        maxTokens: opts.maxTokens,
      });
      rec.durationMs = Date.now() - t0;
      rec.text = res.text;
      rec.model = res.model;
      usage.inputTokens += res.usage.inputTokens;
      usage.outputTokens += res.usage.outputTokens;
      const parsed = parseVerdict(res.text, opts.rubric);
      if (parsed.ok) {
        verdict = { v: parsed.verdict, missingItems: parsed.missingItems };
      } else {
        rec.outcome = 'unparseable';
        rec.error = parsed.error;
        user = opts.user + jsonReminder(parsed.error);
      }
    } catch (e) {
      if (!(e instanceof JudgeError)) throw e; // RateLimitError, InterruptedError, bugs
      rec.durationMs = Date.now() - t0;
      rec.outcome = 'judge_error';
      rec.error = e.message;
      if (attempt < maxAttempts && retryDelayMs > 0) await pause(retryDelayMs * attempt, opts.signal);
    }
  }

  const finishedAt = new Date();
  const last = attempts[attempts.length - 1];
  const base = {
    model: opts.model,
    attempts: attempts.length,
    raw: [...attempts].reverse().find((a) => a.outcome !== 'judge_error')?.text ?? '',
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    usage,
  };
  const judgment: Judgment = verdict
    ? { ...base, ...scoreVerdict(verdict.v, verdict.missingItems, opts.rubric) }
    : {
        ...base,
        valid: false,
        failure: last.outcome === 'judge_error' ? 'judge_error' : 'unparseable',
        score: null,
        scoreSource: null,
        judgeScore: null,
        passed: null,
        judgePassed: null,
        grade: null,
        reasoning:
          last.outcome === 'judge_error'
            ? `Judge failed after ${attempts.length} attempts: ${last.error ?? 'unknown error'}`
            : `Judge reply unusable after ${attempts.length} attempts: ${last.error ?? 'unknown error'}`,
        criteria: {},
      };

  if (opts.artefactDir) {
    writeJudgeArtefacts(opts.artefactDir, {
      transport: opts.transport.name,
      system: opts.system,
      user: opts.user,
      attempts,
      judgment,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
    });
  }
  return judgment;
}

/** The scored fields of a valid judgment. */
function scoreVerdict(v: Verdict, missingItems: string[], rubric: Rubric) {
  const fromItems = missingItems.length === 0 ? scoreFromItems(rubric, v.criteria_scores) : undefined;
  const useItems = fromItems?.score != null;
  const score = useItems ? (fromItems.score as number) : v.score;
  return {
    valid: true,
    failure: null,
    score,
    scoreSource: useItems ? ('rubric_items' as const) : ('judge' as const),
    judgeScore: v.score,
    passed: passes(score, rubric),
    judgePassed: v.passed ?? null,
    grade: grade(score, rubric.grading.grade_scale),
    reasoning: v.reasoning,
    criteria: v.criteria_scores,
  };
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw new InterruptedError('judge interrupted');
  }
}
