// Rubric loading: both formats, defaults, the flat item list and file:line errors.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC, loadRubric, rubricItems } from '../../src/config/rubric.js';
import { ConfigError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp.js';

function rubricFile(text: string): string {
  const file = join(tmpDir(), 'rubric.yaml');
  writeFileSync(file, text);
  return file;
}

function loadError(text: string): ConfigError {
  try {
    loadRubric(rubricFile(text));
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadRubric', () => {
  it('loads the requirements format with defaults, anchors and sub-checks', () => {
    const r = loadRubric(
      rubricFile(`requirements:
  - id: R001
    description: hello.py exists
    weight: 2.0
    evaluation: binary
  - id: R002
    description: prints Hello, World!
    scoring: {1.0: "exact output", 0.5: "close"}
    criteria: ["no extra text"]
grading:
  pass_threshold: 0.7
  grade_scale: {S: 1.00, A: 0.80, B: 0.60, C: 0.40, D: 0.20, F: 0.0}
`),
    );
    expect(r.grading.pass_threshold).toBe(0.7);
    expect(r.grading.grade_scale.S).toBe(1);
    expect(rubricItems(r)).toEqual([
      { id: 'R001', description: 'hello.py exists', weight: 2, kind: 'binary' },
      {
        id: 'R002',
        description: 'prints Hello, World!',
        weight: 1,
        kind: 'scaled',
        anchors: { '1': 'exact output', '0.5': 'close' },
        subChecks: ['no extra text'],
      },
    ]);
  });

  it('loads the hybrid categories format; item weight = category weight × points / category points', () => {
    const r = loadRubric(
      rubricFile(`categories:
  functional:
    weight: 0.6
    scoring_type: checklist
    items:
      - {id: F1, check: hello.py exists, points: 1.0}
      - {id: F2, check: output is exact, points: 0.5, na_condition: never}
  overall:
    weight: 0.4
    scoring_type: subjective
    items:
      - {id: OQ1, check: appropriately scoped, points: 2}
`),
    );
    const items = rubricItems(r);
    expect(items.map((i) => [i.id, i.category, i.kind, i.scoringType])).toEqual([
      ['F1', 'functional', 'scaled', 'checklist'],
      ['F2', 'functional', 'scaled', 'checklist'],
      ['OQ1', 'overall', 'scaled', 'subjective'],
    ]);
    expect(items[0].weight).toBeCloseTo(0.4);
    expect(items[1].weight).toBeCloseTo(0.2);
    expect(items[1].naCondition).toBe('never');
    expect(items[2].weight).toBeCloseTo(0.4);
    // Defaults: threshold 0.6 and the one S threshold 0.95.
    expect(r.grading).toEqual({
      pass_threshold: 0.6,
      grade_scale: { S: 0.95, A: 0.8, B: 0.6, C: 0.4, D: 0.2, F: 0 },
    });
  });

  it('rejects an unknown key naming its line and field', () => {
    const e = loadError(`requirements:
  - id: R001
    description: x
    wieght: 2
`);
    expect(e.line).toBe(4);
    expect(e.field).toBe('requirements.0.wieght');
    expect(e.message).toContain("unknown key 'wieght'");
  });

  it('rejects out-of-range values, both formats at once, duplicate ids and a non-monotonic scale', () => {
    expect(loadError(`requirements:\n  - {id: R1, description: x, weight: 11}\n`).field).toBe(
      'requirements.0.weight',
    );
    expect(loadError(`grading: {pass_threshold: 0.5}\n`).message).toMatch(
      /needs `requirements` or `categories` with `items`/,
    );
    expect(
      loadError(`requirements: [{id: R1, description: x}]\ncategories: {a: {items: [{id: A1, check: y}]}}\n`)
        .message,
    ).toMatch(/not both/);
    const dup = loadError(`requirements:\n  - {id: R1, description: x}\n  - {id: R1, description: y}\n`);
    expect(dup.message).toContain("duplicate item id 'R1'");
    expect(dup.line).toBe(3);
    expect(
      loadError(`requirements: [{id: R1, description: x}]\ngrading: {grade_scale: {A: 0.99}}\n`).field,
    ).toBe('grading.grade_scale.A');
    expect(loadError(`categories:\n  a:\n    items: []\n`).field).toBe('categories.a.items');
  });

  it('loads the original test-001 rubric layout: requirements, descriptive categories, extra top-level keys', () => {
    const file = join(tmpDir(), 'rubric.yaml');
    writeFileSync(
      file,
      [
        'requirements:',
        '  - {id: R001, description: "hello.py exists", weight: 2.0, evaluation: binary, category: functional}',
        '  - {id: R002, description: "prints it", weight: 1.0, evaluation: scaled, scoring: {1.0: all, 0.5: some}}',
        'categories:',
        '  functional: {weight: 0.7, description: Does it work}',
        'skill_validation: {required_skills: [python]}',
        'grading: {pass_threshold: 0.60}',
        '',
      ].join('\n'),
    );
    const r = loadRubric(file);
    expect(rubricItems(r).map((i) => [i.id, i.weight, i.category ?? null])).toEqual([
      ['R001', 2, 'functional'],
      ['R002', 1, null],
    ]);
  });

  it('has a default rubric of generic qualities', () => {
    expect(rubricItems(DEFAULT_RUBRIC).map((i) => i.id)).toEqual([
      'functional_correctness',
      'completeness',
      'code_quality',
      'following_instructions',
      'workspace_cleanliness',
    ]);
    expect(DEFAULT_RUBRIC.grading.pass_threshold).toBe(0.6);
  });
});
