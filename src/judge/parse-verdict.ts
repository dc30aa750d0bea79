// Turns a judge's reply text into a checked verdict, or says why it cannot: no guessing from words.
import { z } from 'zod';
import { rubricItems, type Rubric } from '../config/rubric.js';

const unit = z.number().min(0).max(1);

/** The JSON object the system prompt asks for. Extra keys are ignored; out-of-range scores are invalid. */
export const VerdictSchema = z.object({
  score: unit,
  /** The judge's own vote; the run's pass is ours (score vs the rubric threshold), so it may be absent. */
  passed: z.boolean().optional(),
  reasoning: z.string().default(''),
  /** Per item: `{score, explanation}`, or a bare score. Absent → the judge's overall score is used. */
  criteria_scores: z
    .record(
      z.string(),
      z.union([
        z.object({ score: unit.nullable(), explanation: z.string().default('') }),
        unit.nullable().transform((score) => ({ score, explanation: '' })),
      ]),
    )
    .default({}),
});

/** A judge's verdict as it gave it. */
export type Verdict = z.output<typeof VerdictSchema>;

/** Outcome of parsing one reply. */
export type ParseResult =
  | {
      ok: true;
      verdict: Verdict;
      /** Rubric item ids the judge did not score. */
      missingItems: string[];
    }
  | { ok: false; error: string };

/**
 * Parse a reply: the body of a ```json fence, else of any fence, else the outermost `{...}` of the
 * reply; the first candidate that is a valid verdict wins. A reply that yields none is a failure,
 * whatever words it contains.
 */
export function parseVerdict(text: string, rubric: Rubric): ParseResult {
  const candidates = jsonCandidates(text);
  if (candidates.length === 0) return { ok: false, error: 'the reply contains no JSON object' };
  let firstError: string | undefined;
  for (const c of candidates) {
    const r = checkCandidate(c);
    if (r.ok) {
      const given = r.verdict.criteria_scores;
      const missingItems = rubricItems(rubric)
        .map((it) => it.id)
        .filter((id) => !(id in given));
      return { ok: true, verdict: r.verdict, missingItems };
    }
    firstError ??= r.error;
  }
  return { ok: false, error: firstError ?? 'no usable JSON' };
}

function checkCandidate(body: string): { ok: true; verdict: Verdict } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
  }
  const r = VerdictSchema.safeParse(data);
  if (r.success) return { ok: true, verdict: r.data };
  const issue = r.error.issues[0];
  const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return { ok: false, error: `not a valid verdict: ${where}${issue.message}` };
}

/** Candidate JSON texts in order of preference. */
function jsonCandidates(text: string): string[] {
  const out: string[] = [];
  const fences = [...text.matchAll(/(`{3,})[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)\n?\1/g)];
  for (const f of fences) if (f[2].toLowerCase() === 'json') out.push(f[3]);
  for (const f of fences) if (f[2].toLowerCase() !== 'json') out.push(f[3]);
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) out.push(text.slice(start, end + 1));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}
