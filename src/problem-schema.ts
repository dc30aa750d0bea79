// The schema of a problem in the user's input (`problem.ts` has what is done with one): apart, so
// that the error classes every command loads do not load zod with it.
import { z } from 'zod';

/** One finding: an error (the input cannot be used) or a warning (it can, but probably not as meant). */
export const ProblemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  /** The file it is in (absolute), when it is in one. */
  file: z.string().optional(),
  /** 1-based line in `file`. */
  line: z.number().int().positive().optional(),
  /** YAML path, dotted (`resources.claude_md.blocks.1`). */
  field: z.string().optional(),
  /** The offending value as written (absent when there is none, e.g. a missing key). */
  value: z.unknown().optional(),
  /** Reads after the value: `"B09" is not in …`, `"yes" is not a boolean`. */
  message: z.string(),
});
export type Problem = z.output<typeof ProblemSchema>;
