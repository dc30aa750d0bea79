// Seeded percentile bootstrap confidence intervals (one sample, and the difference of two samples).
import { quantileSorted } from 'simple-statistics';
import { DEFAULT_SEED, mulberry32, seedFor } from './prng.js';

/** Bootstrap settings; printed in every report so the numbers can be reproduced. */
export const BOOTSTRAP = { iterations: 2000, level: 0.95, seed: DEFAULT_SEED } as const;

/** A closed interval [low, high]. */
export type Interval = [number, number];

type Stat = (xs: number[]) => number;

function resample(xs: readonly number[], rnd: () => number): number[] {
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[Math.floor(rnd() * xs.length)];
  return out;
}

function percentile(estimates: number[]): Interval {
  estimates.sort((a, b) => a - b);
  const tail = (1 - BOOTSTRAP.level) / 2;
  return [quantileSorted(estimates, tail), quantileSorted(estimates, 1 - tail)];
}

/** 95 % percentile-bootstrap CI of `stat` over `xs`, seeded by `key`; null without data. */
export function bootstrapCi(xs: readonly number[], stat: Stat, key: string): Interval | null {
  if (xs.length === 0) return null;
  const rnd = mulberry32(seedFor(key, BOOTSTRAP.seed));
  const est: number[] = [];
  for (let i = 0; i < BOOTSTRAP.iterations; i++) est.push(stat(resample(xs, rnd)));
  return percentile(est);
}

/** CI of stat(a) − stat(b), resampling both groups independently; null if either is empty. */
export function bootstrapDiffCi(
  a: readonly number[],
  b: readonly number[],
  stat: Stat,
  key: string,
): Interval | null {
  if (a.length === 0 || b.length === 0) return null;
  const rnd = mulberry32(seedFor(key, BOOTSTRAP.seed));
  const est: number[] = [];
  for (let i = 0; i < BOOTSTRAP.iterations; i++) est.push(stat(resample(a, rnd)) - stat(resample(b, rnd)));
  return percentile(est);
}
