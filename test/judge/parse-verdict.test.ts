// Verdict parsing: fences, bare JSON, strict validation, no guessing from words.
import { describe, expect, it } from 'vitest';
import { RubricSchema } from '../../src/config/rubric.js';
import { parseVerdict } from '../../src/judge/parse-verdict.js';

const rubric = RubricSchema.parse({
  requirements: [
    { id: 'R1', description: 'x' },
    { id: 'R2', description: 'y' },
  ],
});
const verdict = {
  score: 0.8,
  passed: true,
  reasoning: 'Good.',
  criteria_scores: { R1: { score: 1, explanation: 'ok' }, R2: { score: null, explanation: 'n/a' } },
};

describe('parseVerdict', () => {
  it('reads bare JSON, a ```json fence and an unlabelled fence', () => {
    const json = JSON.stringify(verdict);
    for (const text of [json, `Here it is:\n\`\`\`json\n${json}\n\`\`\`\nDone.`, `\`\`\`\n${json}\n\`\`\``]) {
      const r = parseVerdict(text, rubric);
      expect(r.ok && r.verdict).toEqual(verdict);
    }
  });

  it('prefers the json fence and falls back to the outermost braces', () => {
    const text = `\`\`\`python\nprint("x")\n\`\`\`\nVerdict: ${JSON.stringify(verdict)} end`;
    const r = parseVerdict(text, rubric);
    expect(r.ok).toBe(true);
  });

  it('reports rubric items the judge did not score', () => {
    const r = parseVerdict(
      JSON.stringify({ ...verdict, criteria_scores: { R1: { score: 1, explanation: '' } } }),
      rubric,
    );
    expect(r.ok && r.missingItems).toEqual(['R2']);
  });

  it('never reads a pass from words', () => {
    for (const text of [
      'The agent passed all tests. Success!',
      '{"passed": true, "score": "high"}',
      '"passed": true',
    ]) {
      const r = parseVerdict(text, rubric);
      expect(r.ok).toBe(false);
    }
  });

  it('rejects out-of-range and wrongly typed fields', () => {
    const bad = [
      { ...verdict, score: 1.2 },
      { ...verdict, score: null },
      { ...verdict, passed: 'yes' },
      { ...verdict, criteria_scores: { R1: { score: 7, explanation: '' } } },
      { ...verdict, reasoning: 42 },
    ];
    for (const v of bad) {
      const r = parseVerdict(JSON.stringify(v), rubric);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/not a valid verdict/);
    }
  });
});

describe('parseVerdict leniency on shape, strictness on values', () => {
  it('accepts a verdict without reasoning, passed or criteria, and bare per-item scores', () => {
    const r = parseVerdict('{"score": 0.7, "criteria_scores": {"R1": 1, "R2": null}}', rubric);
    expect(r.ok && r.verdict).toEqual({
      score: 0.7,
      reasoning: '',
      criteria_scores: { R1: { score: 1, explanation: '' }, R2: { score: null, explanation: '' } },
    });
    expect(parseVerdict('{"score": 0.4}', rubric).ok).toBe(true);
  });

  it('still rejects a missing or out-of-range score', () => {
    expect(parseVerdict('{"passed": true, "reasoning": "fine"}', rubric).ok).toBe(false);
    expect(parseVerdict('{"score": 8, "passed": true}', rubric).ok).toBe(false);
    expect(parseVerdict('{"score": 0.5, "criteria_scores": {"R1": 3}}', rubric).ok).toBe(false);
  });
});
