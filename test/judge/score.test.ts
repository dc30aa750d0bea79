// Rubric scoring: weighted mean over applicable items, binary rounding, pass threshold and grades from the rubric.
import { describe, expect, it } from 'vitest';
import { RubricSchema } from '../../src/config/rubric.js';
import { grade, scoreFromItems } from '../../src/judge/score.js';

const rubric = RubricSchema.parse({
  requirements: [
    { id: 'R1', description: 'file exists', weight: 2, evaluation: 'binary' },
    { id: 'R2', description: 'output right', weight: 1 },
    { id: 'R3', description: 'tests pass', weight: 1 },
  ],
  grading: { pass_threshold: 0.75 },
});
const e = (score: number | null) => ({ score, explanation: '' });

describe('scoreFromItems', () => {
  it('excludes N/A items from the weighted mean and applies the rubric threshold', () => {
    // (2*1 + 1*0.4) / 3 = 0.8; R3 is N/A.
    const r = scoreFromItems(rubric, { R1: e(1), R2: e(0.4), R3: e(null) });
    expect(r.score).toBeCloseTo(0.8);
    expect(r.passed).toBe(true);
    expect(r.grade).toBe('A');
    // Counting R3 as 0 instead would give 0.6 and fail: N/A must not count as zero.
    expect(scoreFromItems(rubric, { R1: e(1), R2: e(0.4), R3: e(0) }).passed).toBe(false);
  });

  it('gives the score as written, without floating-point noise (2·1 + 3·0.9) / 5 = 0.94', () => {
    const r2 = RubricSchema.parse({
      requirements: [
        { id: 'R1', description: 'file exists', weight: 2, evaluation: 'binary' },
        { id: 'R2', description: 'output right', weight: 3, evaluation: 'scaled' },
      ],
      grading: { pass_threshold: 0.6 },
    });
    expect((2 * 1 + 3 * 0.9) / 5).not.toBe(0.94); // what a plain division gives
    expect(scoreFromItems(r2, { R1: e(1), R2: e(0.9) }).score).toBe(0.94);
  });

  it('rounds binary items to 0 or 1', () => {
    expect(scoreFromItems(rubric, { R1: e(0.6), R2: e(0), R3: e(0) }).score).toBeCloseTo(0.5);
    expect(scoreFromItems(rubric, { R1: e(0.4), R2: e(1), R3: e(1) }).score).toBeCloseTo(0.5);
  });

  it('has no score when nothing applies', () => {
    expect(scoreFromItems(rubric, { R1: e(null), R2: e(null), R3: e(null) })).toEqual({
      score: null,
      passed: null,
      grade: null,
    });
  });

  it('weighs hybrid items by category weight and points', () => {
    const hybrid = RubricSchema.parse({
      categories: {
        functional: {
          weight: 0.8,
          items: [
            { id: 'F1', check: 'a' },
            { id: 'F2', check: 'b', points: 3 },
          ],
        },
        quality: { weight: 0.2, scoring_type: 'subjective', items: [{ id: 'Q1', check: 'c' }] },
      },
    });
    // weights F1 0.2, F2 0.6, Q1 0.2 → 0.2*1 + 0.6*0.5 + 0.2*0 = 0.5
    expect(scoreFromItems(hybrid, { F1: e(1), F2: e(0.5), Q1: e(0) }).score).toBeCloseTo(0.5);
  });
});

describe('grade', () => {
  it('uses one S threshold (0.95) by default and the rubric scale when given', () => {
    const scale = rubric.grading.grade_scale;
    expect([0.97, 0.95, 0.9, 0.6, 0.45, 0.2, 0.19].map((s) => grade(s, scale))).toEqual([
      'S',
      'S',
      'A',
      'B',
      'C',
      'D',
      'F',
    ]);
    const strict = RubricSchema.parse({
      requirements: [{ id: 'R1', description: 'x' }],
      grading: { grade_scale: { S: 1 } },
    }).grading.grade_scale;
    expect(grade(0.97, strict)).toBe('A');
    expect(grade(1, strict)).toBe('S');
    // A sum that lands a hair under a threshold still reaches it.
    expect(grade(0.1 + 0.7, scale)).toBe('A');
  });
});
