// Seeded percentile bootstrap confidence intervals (one sample, and the difference of two samples)
// of a mean or a median. Each resample draws the same indices in the same order as a plain
// `xs[floor(rnd() · n)]` loop and gives exactly simple-statistics' `mean` / `median` of it; the
// median is found from counts per distinct value (scores take few), without copying or sorting.
import { mean, quantileSorted } from 'simple-statistics';
import { InternalError } from '../errors.js';
import { DEFAULT_SEED, mulberry32, seedFor } from './prng.js';

/** Bootstrap settings; printed in every report so the numbers can be reproduced. */
export const BOOTSTRAP = { iterations: 2000, level: 0.95, seed: DEFAULT_SEED } as const;

/** A closed interval [low, high]. */
export type Interval = [number, number];

/** The statistic a bootstrap estimates. */
export type StatName = 'mean' | 'median';

/** One statistic of resamples of one sample: each call draws a resample and returns its value. */
type Resampler = (rnd: () => number) => number;

function meanResampler(xs: readonly number[]): Resampler {
  const n = xs.length;
  // Integers (pass/fail as 1/0): every partial sum is exact, so the plain sum is the compensated one.
  if (exactIntegerSums(xs))
    return (rnd) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += xs[Math.floor(rnd() * n)];
      return sum / n;
    };
  const buf = new Array<number>(n);
  return (rnd) => {
    for (let i = 0; i < n; i++) buf[i] = xs[Math.floor(rnd() * n)];
    return mean(buf);
  };
}

/**
 * The median of a resample, as simple-statistics' `median` gives it: the middle value of the sorted
 * resample, or the mean of the two middle ones for an even size. Found by counting how often each
 * distinct value was drawn and walking the counts.
 */
function medianResampler(xs: readonly number[]): Resampler {
  const n = xs.length;
  const values = [...new Set(xs)].sort((a, b) => a - b);
  const rankOf = new Map(values.map((v, r) => [v, r]));
  const rank = Int32Array.from(xs, (x) => rankOf.get(x)!);
  const counts = new Int32Array(values.length);
  // 0-based positions in the sorted resample (the same ones for an odd size).
  const lo = n % 2 === 0 ? n / 2 - 1 : Math.ceil(n / 2) - 1;
  const hi = n % 2 === 0 ? n / 2 : lo;
  return (rnd) => {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rank[Math.floor(rnd() * n)]]++;
    let seen = 0;
    let low = NaN;
    for (let r = 0; r < values.length; r++) {
      seen += counts[r];
      if (Number.isNaN(low) && seen > lo) low = values[r];
      if (seen > hi) return lo === hi ? low : (low + values[r]) / 2;
    }
    throw new InternalError('bootstrap: the counts do not add up to the sample size');
  };
}

/** Are all `xs` integers small enough that any sum of `xs.length` of them is exact? */
function exactIntegerSums(xs: readonly number[]): boolean {
  let largest = 0;
  for (const x of xs) {
    if (!Number.isSafeInteger(x)) return false;
    largest = Math.max(largest, Math.abs(x));
  }
  return xs.length * largest < Number.MAX_SAFE_INTEGER;
}

const resamplers: Record<StatName, (xs: readonly number[]) => Resampler> = {
  mean: meanResampler,
  median: medianResampler,
};

function percentile(estimates: number[]): Interval {
  estimates.sort((a, b) => a - b);
  const tail = (1 - BOOTSTRAP.level) / 2;
  return [quantileSorted(estimates, tail), quantileSorted(estimates, 1 - tail)];
}

/** 95 % percentile-bootstrap CI of `stat` over `xs`, seeded by `key`; null without data. */
export function bootstrapCi(xs: readonly number[], stat: StatName, key: string): Interval | null {
  if (xs.length === 0) return null;
  const rnd = mulberry32(seedFor(key, BOOTSTRAP.seed));
  const draw = resamplers[stat](xs);
  const est = new Array<number>(BOOTSTRAP.iterations);
  for (let i = 0; i < BOOTSTRAP.iterations; i++) est[i] = draw(rnd);
  return percentile(est);
}

/** CI of stat(a) − stat(b), resampling both groups independently; null if either is empty. */
export function bootstrapDiffCi(
  a: readonly number[],
  b: readonly number[],
  stat: StatName,
  key: string,
): Interval | null {
  if (a.length === 0 || b.length === 0) return null;
  const rnd = mulberry32(seedFor(key, BOOTSTRAP.seed));
  const drawA = resamplers[stat](a);
  const drawB = resamplers[stat](b);
  const est = new Array<number>(BOOTSTRAP.iterations);
  for (let i = 0; i < BOOTSTRAP.iterations; i++) est[i] = drawA(rnd) - drawB(rnd);
  return percentile(est);
}
