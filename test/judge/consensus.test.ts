// Multi-judge consensus: only valid judgments count, strict majority, per-item means, agreement.
import { describe, expect, it } from 'vitest';
import { RubricSchema } from '../../src/config/rubric.js';
import { consensus } from '../../src/judge/consensus.js';
import type { Judgment } from '../../src/judge/judgment.js';

const rubric = RubricSchema.parse({
  requirements: [
    { id: 'R1', description: 'exists', evaluation: 'binary' },
    { id: 'R2', description: 'quality' },
  ],
});

function judgment(
  model: string,
  score: number | null,
  passed: boolean | null,
  criteria: Judgment['criteria'] = {},
): Judgment {
  const valid = score !== null;
  return {
    model,
    valid,
    failure: valid ? null : 'judge_error',
    score,
    scoreSource: valid ? 'rubric_items' : null,
    judgeScore: score,
    passed,
    judgePassed: passed,
    grade: null,
    reasoning: valid ? `${model} reasoning` : 'Judge failed',
    criteria,
    attempts: 1,
    raw: '',
    durationMs: 1,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

describe('consensus', () => {
  it('averages the two valid judges, ignores the invalid one, and fails a 1–1 split', () => {
    const c = consensus(
      [
        judgment('a', 0.9, true, {
          R1: { score: 1, explanation: 'there' },
          R2: { score: 0.8, explanation: 'good' },
        }),
        judgment('b', 0.3, false, {
          R1: { score: 0.4, explanation: 'missing' },
          R2: { score: null, explanation: 'n/a' },
        }),
        judgment('c', null, null),
      ],
      rubric,
    );
    expect(c.valid).toBe(true);
    expect(c.score).toBeCloseTo(0.6);
    expect(c.passed).toBe(false);
    expect(c.grade).toBe('B');
    expect(c.reasoning).toBe('a reasoning');
    expect(c.agreement).toMatchObject({ judges: 3, validJudges: 2, passVotes: 1, failVotes: 1 });
    expect(c.agreement.scoreSpread).toBeCloseTo(0.6);
    expect(c.agreement.stdDev).toBeCloseTo(0.3);
    // R1 is binary: 1 and round(0.4)=0 → 0.5. R2: one N/A, so the mean of the other.
    expect(c.criteria.R1).toEqual({ score: 0.5, explanations: ['there', 'missing'] });
    expect(c.criteria.R2.score).toBeCloseTo(0.8);
  });

  it('passes on a strict majority', () => {
    const c = consensus(
      [judgment('a', 0.7, true), judgment('b', 0.8, true), judgment('c', 0.4, false)],
      rubric,
    );
    expect(c.passed).toBe(true);
    expect(c.score).toBeCloseTo(0.6333, 3);
  });

  it('is invalid (judge_failed) when no judge is valid, never a score', () => {
    const c = consensus([judgment('a', null, null), judgment('b', null, null)], rubric);
    expect(c).toMatchObject({
      valid: false,
      failure: 'judge_failed',
      score: null,
      passed: null,
      grade: null,
    });
    expect(c.agreement.validJudges).toBe(0);
  });
});
