// Rubric of a test case (rubric.yaml): schema for both formats, loading, the flat item list, the default rubric.
import { z } from 'zod';
import { loadYamlFile } from './load-yaml.js';

/**
 * The one default grade scale, used per judge and for the consensus alike (defect 18 of the original
 * used S = 1.00 per judge and S = 0.95 for the consensus). A rubric may override any threshold.
 */
export const DEFAULT_GRADE_SCALE = { S: 0.95, A: 0.8, B: 0.6, C: 0.4, D: 0.2, F: 0 } as const;

/** Default pass threshold when the rubric does not give one. */
export const DEFAULT_PASS_THRESHOLD = 0.6;

const itemId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'an id is letters, digits, `_`, `.` or `-` (e.g. R001, F1)');
const unit = z.number().min(0).max(1);

/** A requirement of the list format: scored 0..1 by the judge, weighted. */
export const RequirementSchema = z.strictObject({
  /** Stable id the judge scores against, e.g. `R001`. */
  id: itemId,
  /** What is required. */
  description: z.string().min(1),
  /** Relative weight, 0..10. */
  weight: z.number().min(0).max(10).default(1),
  /** `binary` scores are rounded to 0 or 1; `scaled` ones are kept as given. */
  evaluation: z.enum(['binary', 'scaled']).default('scaled'),
  /** Optional score anchors, e.g. `{1.0: "all edge cases", 0.5: "happy path only"}`. */
  scoring: z
    .record(z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'an anchor key is a score 0..1'), z.string())
    .optional(),
  /** Optional sub-checks shown to the judge (real rubrics of the original list them). */
  criteria: z.array(z.string()).optional(),
  /** Optional category name (the original's rubrics group requirements this way). */
  category: z.string().optional(),
});

/** A checklist item of the hybrid (categories) format. */
export const RubricItemSchema = z.strictObject({
  id: itemId,
  /** What the judge checks. */
  check: z.string().min(1),
  /** Points of this item inside its category. */
  points: z.number().min(0).default(1),
  /** When this holds, the item is not applicable and the judge answers `null` for it. */
  na_condition: z.string().optional(),
});

/** A category of the hybrid format: a weight and its items. */
export const RubricCategorySchema = z.strictObject({
  /** Relative weight of the category (default 1; e.g. 0.35 for 35 %). */
  weight: z.number().min(0).default(1),
  description: z.string().optional(),
  /** `checklist`: objective checks; `subjective`: engineering judgement. Both are scored 0..1. */
  scoring_type: z.enum(['checklist', 'subjective']).default('checklist'),
  /** The checklist. Without items a category only describes a group of `requirements` (original test-001). */
  items: z.array(RubricItemSchema).min(1).optional(),
});

const grade = (d: number) => unit.default(d);

/** Grade thresholds: the best grade whose threshold the score reaches. Partial scales are completed with defaults. */
export const GradeScaleSchema = z
  .strictObject({
    S: grade(DEFAULT_GRADE_SCALE.S),
    A: grade(DEFAULT_GRADE_SCALE.A),
    B: grade(DEFAULT_GRADE_SCALE.B),
    C: grade(DEFAULT_GRADE_SCALE.C),
    D: grade(DEFAULT_GRADE_SCALE.D),
    F: grade(DEFAULT_GRADE_SCALE.F),
  })
  .superRefine((s, ctx) => {
    const order = ['S', 'A', 'B', 'C', 'D', 'F'] as const;
    for (let i = 1; i < order.length; i++) {
      if (s[order[i]] > s[order[i - 1]]) {
        ctx.addIssue({
          code: 'custom',
          path: [order[i]],
          message: `grade ${order[i]} (${s[order[i]]}) must not be above grade ${order[i - 1]} (${s[order[i - 1]]})`,
        });
      }
    }
  });

export const GradingSchema = z.strictObject({
  /** A run passes when its score is at least this. */
  pass_threshold: unit.default(DEFAULT_PASS_THRESHOLD),
  grade_scale: GradeScaleSchema.prefault({}),
});

/**
 * rubric.yaml: either `requirements` (list format) or `categories` with items (hybrid checklist
 * format), plus `grading`. Other top-level keys (the original's rubrics carry e.g. `skill_validation`)
 * are accepted and ignored; inside requirements, items and grading unknown keys are errors.
 */
export const RubricSchema = z
  .object({
    requirements: z.array(RequirementSchema).min(1).optional(),
    categories: z.record(z.string().min(1), RubricCategorySchema).optional(),
    grading: GradingSchema.prefault({}),
  })
  .superRefine((r, ctx) => {
    const withItems = Object.entries(r.categories ?? {}).filter(([, c]) => c.items);
    if (r.requirements ? withItems.length > 0 : withItems.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: r.requirements ? ['categories', withItems[0][0], 'items'] : r.categories ? ['categories'] : [],
        message: r.requirements
          ? 'a rubric scores either `requirements` or category `items`, not both'
          : 'a rubric needs `requirements` or `categories` with `items`',
      });
      return;
    }
    const seen = new Set<string>();
    const check = (id: string, path: (string | number)[]) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `duplicate item id '${id}'` });
      seen.add(id);
    };
    r.requirements?.forEach((q, i) => check(q.id, ['requirements', i, 'id']));
    for (const [name, cat] of Object.entries(r.categories ?? {})) {
      cat.items?.forEach((it, i) => check(it.id, ['categories', name, 'items', i, 'id']));
    }
    // Weights that sum to 0 leave nothing to score: every run would get 0 (or NaN).
    const nothing = (what: string) => `nothing could be scored (give at least one ${what} above 0)`;
    if (r.requirements && r.requirements.every((q) => q.weight === 0))
      ctx.addIssue({
        code: 'custom',
        path: ['requirements'],
        message: `weights sum to 0: ${nothing('requirement a weight')}`,
      });
    for (const [name, cat] of withItems)
      if (cat.items!.every((it) => it.points === 0))
        ctx.addIssue({
          code: 'custom',
          path: ['categories', name, 'items'],
          message: `points sum to 0: ${nothing('item points')}`,
        });
    if (withItems.length && withItems.every(([, cat]) => cat.weight === 0))
      ctx.addIssue({
        code: 'custom',
        path: ['categories'],
        message: `category weights sum to 0: ${nothing('category a weight')}`,
      });
  });

/** A validated rubric with defaults applied. */
export type Rubric = z.output<typeof RubricSchema>;
/** Grade thresholds S..F. */
export type GradeScale = z.output<typeof GradeScaleSchema>;

/** One scorable item, whatever the rubric's format. */
export interface RubricItemView {
  /** Id the judge scores against. */
  id: string;
  /** Category name (hybrid format only). */
  category?: string;
  /** Requirement description or checklist `check`. */
  description: string;
  /**
   * Weight in the overall weighted mean. List format: the requirement's weight. Hybrid format:
   * `category.weight × item.points / Σ points of the category`, so each category contributes its
   * weight when all its items apply; an N/A item removes its share (the rest are not inflated).
   */
  weight: number;
  /** `binary` scores are rounded (≥ 0.5 → 1, else 0); `scaled` scores are used as given. */
  kind: 'binary' | 'scaled';
  /** When the item does not apply (hybrid format). */
  naCondition?: string;
  /** Score anchors (list format). */
  anchors?: Record<string, string>;
  /** Sub-checks (list format). */
  subChecks?: string[];
  /** Checklist or subjective (hybrid format). */
  scoringType?: 'checklist' | 'subjective';
}

/** The rubric's items as one flat list, in file order. */
export function rubricItems(rubric: Rubric): RubricItemView[] {
  if (rubric.requirements) {
    return rubric.requirements.map((q) => ({
      id: q.id,
      ...(q.category ? { category: q.category } : {}),
      description: q.description,
      weight: q.weight,
      kind: q.evaluation,
      ...(q.scoring ? { anchors: q.scoring } : {}),
      ...(q.criteria ? { subChecks: q.criteria } : {}),
    }));
  }
  const out: RubricItemView[] = [];
  for (const [name, cat] of Object.entries(rubric.categories ?? {})) {
    const items = cat.items ?? [];
    const totalPoints = items.reduce((s, it) => s + it.points, 0);
    for (const it of items) {
      out.push({
        id: it.id,
        category: name,
        description: it.check,
        weight: totalPoints > 0 ? (cat.weight * it.points) / totalPoints : 0,
        kind: 'scaled',
        scoringType: cat.scoring_type,
        ...(it.na_condition ? { naCondition: it.na_condition } : {}),
      });
    }
  }
  return out;
}

/** Read and validate a rubric.yaml; problems are ConfigErrors with file, line and field. */
export function loadRubric(file: string): Rubric {
  return loadYamlFile(file, RubricSchema).value;
}

/** The rubric used for a test case that has none: generic qualities of a coding-agent result. */
export const DEFAULT_RUBRIC: Rubric = RubricSchema.parse({
  requirements: [
    {
      id: 'functional_correctness',
      description: 'The change does what the task asks, and the code would run without errors.',
      weight: 4,
    },
    {
      id: 'completeness',
      description: 'Every part of the task is addressed; nothing asked for is missing or left as a stub.',
      weight: 2,
    },
    {
      id: 'code_quality',
      description: 'The code is clear, idiomatic and proportionate to the task, without needless complexity.',
      weight: 1.5,
    },
    {
      id: 'following_instructions',
      description: 'Explicit instructions of the task (names, paths, formats, constraints) are followed.',
      weight: 1.5,
    },
    {
      id: 'workspace_cleanliness',
      description: 'No stray files, build artefacts, debug output or unrelated edits are left behind.',
      weight: 1,
    },
  ],
});
