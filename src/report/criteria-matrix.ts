// The per-criterion matrix shared by subtest, tier and experiment reports: one row per rubric item,
// one column per run/subtest/tier, the best value of each row in bold italics, and a Total row.
import { num, table } from './markdown.js';

/** A column of the matrix: its heading, its per-criterion scores and its total. */
export interface MatrixColumn {
  head: string;
  criteria: Record<string, number | null>;
  total: number | null;
}

/** Render the matrix; '(no per-criterion scores)' when no column has any. */
export function criteriaMatrix(
  criteria: readonly string[],
  cols: readonly MatrixColumn[],
  totalLabel = 'Total',
): string {
  if (criteria.length === 0 || cols.length === 0) return '(no per-criterion scores)';
  const row = (label: string, vals: (number | null)[]) => {
    const nums = vals.filter((v): v is number => v !== null);
    const best = new Set(nums).size > 1 ? Math.max(...nums) : null;
    return [
      label,
      ...vals.map((v) => (v === null ? '—' : best !== null && v === best ? `***${num(v)}***` : num(v))),
    ];
  };
  return table(
    ['Criterion', ...cols.map((c) => c.head)],
    [
      ...criteria.map((id) =>
        row(
          id,
          cols.map((c) => (id in c.criteria ? c.criteria[id] : null)),
        ),
      ),
      row(
        `**${totalLabel}**`,
        cols.map((c) => c.total),
      ),
    ],
  );
}
