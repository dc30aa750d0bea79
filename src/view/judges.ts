// Every judge's verdict on a run side by side — score, pass, grade, reasoning, per-criterion scores
// and explanations — with the consensus and the links to each judge's prompt and reply. The
// verdicts come from the store (the run's current attempt); the judge set is a parameter.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { judgeSetDir } from '../stats/judge-set-files.js';
import { z } from 'zod';
import { readJson } from './artefacts.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { judgeSets } from './compare-view.js';
import { HttpError } from './router.js';
import type { RunKey } from '../store/run-key.js';

const CriterionSchema = z.looseObject({
  score: z.number().nullable().catch(null),
  explanation: z.string().catch(''),
});
const VerdictSchema = z.looseObject({
  reasoning: z.string().catch(''),
  criteria: z.record(z.string(), CriterionSchema).catch({}),
  durationMs: z.number().optional().catch(undefined),
  attempts: z.number().optional().catch(undefined),
  scoreSource: z.string().optional().catch(undefined),
});
const ConsensusSchema = z.looseObject({
  valid: z.boolean().catch(false),
  score: z.number().nullable().catch(null),
  passed: z.boolean().nullable().catch(null),
  grade: z.string().nullable().catch(null),
  reasoning: z.string().catch(''),
  criteria: z
    .record(
      z.string(),
      z.looseObject({
        score: z.number().nullable().catch(null),
        explanations: z.array(z.string()).catch([]),
      }),
    )
    .catch({}),
  agreement: z.record(z.string(), z.unknown()).catch({}),
});

export const RunJudgesSchema = z.object({
  set: z.number(),
  sets: z.array(z.number()),
  attempt: z.number(),
  /** Rubric items in order of first appearance. */
  criteria: z.array(z.string()),
  judges: z.array(
    z.object({
      number: z.number(),
      model: z.string(),
      valid: z.boolean(),
      failure: z.string().nullable(),
      score: z.number().nullable(),
      passed: z.boolean().nullable(),
      grade: z.string().nullable(),
      reasoning: z.string(),
      criteria: z.record(z.string(), z.object({ score: z.number().nullable(), explanation: z.string() })),
      durationMs: z.number().nullable(),
      /** Paths (relative to the experiment) of this judge's prompt, reply and judgment. */
      files: z.array(z.string()),
    }),
  ),
  consensus: ConsensusSchema.nullable(),
  /** max − min of the valid judges' scores (null: fewer than two). */
  scoreSpread: z.number().nullable(),
});
export type RunJudges = z.infer<typeof RunJudgesSchema>;

/** The judges of run `key` (in `runDir`) in judge set `setParam` (default: the current one). */
export function runJudges(
  h: ExperimentHandle,
  key: RunKey,
  runDir: string,
  relDir: string,
  setParam: string | null,
): RunJudges {
  const sets = judgeSets(h);
  const set = setParam ? Number(setParam) : h.store().currentJudgeSet();
  if (!sets.includes(set)) throw new HttpError(404, `${h.name} has no judge set '${setParam}'`);
  const store = h.store();
  const row = store.getRun(key);
  if (!row) throw new HttpError(404, `no run ${relDir}`);
  const rows = store.judgments(key, set).filter((j) => j.attempt === row.attempt);
  const setDir = relative(runDir, judgeSetDir(runDir, set));
  const criteria: string[] = [];
  const judges = rows.map((j) => {
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(j.json);
    } catch {
      // A damaged verdict still shows its stored score.
    }
    const v = VerdictSchema.parse(parsed);
    for (const id of Object.keys(v.criteria)) if (!criteria.includes(id)) criteria.push(id);
    const dir = `${setDir}/judge_${String(j.judge_number).padStart(2, '0')}`;
    const files = ['prompt.md', 'response.txt', 'judgment.json', 'MODEL.md', 'timing.json']
      .map((f) => `${dir}/${f}`)
      .filter((f) => existsSync(join(runDir, f)))
      .map((f) => `${relDir}/${f}`);
    return {
      number: j.judge_number,
      model: j.model,
      valid: j.valid === 1,
      failure: j.failure,
      score: j.score,
      passed: j.passed === null ? null : j.passed === 1,
      grade: j.grade,
      reasoning: v.reasoning,
      criteria: Object.fromEntries(
        Object.entries(v.criteria).map(([id, c]) => [id, { score: c.score, explanation: c.explanation }]),
      ),
      durationMs: v.durationMs ?? null,
      files,
    };
  });
  const consensusRaw = readJson(join(judgeSetDir(runDir, set), 'result.json'));
  const consensus = consensusRaw === null ? null : ConsensusSchema.parse(consensusRaw);
  for (const id of Object.keys(consensus?.criteria ?? {})) if (!criteria.includes(id)) criteria.push(id);
  const scores = judges.filter((j) => j.valid && j.score !== null).map((j) => j.score!);
  return {
    set,
    sets,
    attempt: row.attempt,
    criteria,
    judges,
    consensus,
    scoreSpread: scores.length >= 2 ? Math.max(...scores) - Math.min(...scores) : null,
  };
}
