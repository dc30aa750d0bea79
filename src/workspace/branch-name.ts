// Run branch names: `<experiment>_<tier>_<subtest>_run_<NN>`, unique across experiments sharing a clone.
import { createHash } from 'node:crypto';
import { InternalError } from '../errors.js';
import { runDirName } from './paths.js';

const MAX_PREFIX = 64;

/** Keep characters matched by `keep`; write every other UTF-8 byte as `%HH`. Injective. */
function escape(s: string, keep: RegExp): string {
  let out = '';
  for (const ch of s) {
    if (keep.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * The git-ref-safe branch prefix of an experiment. Letters, digits and inner `-` are kept; any other
 * byte (including `_`, `.` and `%`) becomes `%HH`, so distinct ids give distinct prefixes and a
 * prefix never contains `_`. Ids longer than 64 encoded characters are cut to 40 and suffixed with
 * `%%` + 16 hex digits of their SHA-256 (`%%` never occurs in an unshortened prefix).
 */
export function branchPrefix(experimentId: string): string {
  if (experimentId === '') throw new InternalError('branchPrefix: empty experiment id');
  const head = experimentId.startsWith('-')
    ? '%2D' + escape(experimentId.slice(1), /[A-Za-z0-9-]/)
    : undefined;
  const enc = head ?? escape(experimentId, /[A-Za-z0-9-]/);
  if (enc.length <= MAX_PREFIX) return enc;
  return enc.slice(0, 40) + '%%' + createHash('sha256').update(experimentId).digest('hex').slice(0, 16);
}

/**
 * The branch of one run, e.g. `test-001_T0_00_run_01`.
 *
 * Collision-free across experiments sharing a base clone: the prefix and the tier contain no `_`
 * (escaped), the subtest keeps `_` but no other separator-like byte, and the run number is the
 * digits after the last `_run_`; each part is an injective encoding, so distinct
 * (experiment, tier, subtest, run) give distinct names (shortened prefixes: up to a SHA-256
 * collision). Case-insensitive file systems still equate ids differing only in case.
 */
export function branchName(experimentId: string, tier: string, subtest: string, run: number): string {
  const t = escape(tier, /[A-Za-z0-9-]/);
  const s = escape(subtest, /[A-Za-z0-9_-]/);
  return `${branchPrefix(experimentId)}_${t}_${s}_${runDirName(run)}`;
}
