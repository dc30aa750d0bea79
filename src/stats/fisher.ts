// Fisher's exact test on a 2×2 table of pass/fail counts (two-sided).

function logFactorials(n: number): number[] {
  const lf = [0];
  for (let i = 1; i <= n; i++) lf.push(lf[i - 1] + Math.log(i));
  return lf;
}

/**
 * Two-sided p-value of Fisher's exact test for [[passA, failA], [passB, failB]]: the sum of the
 * probabilities of every table with the same margins that is at most as likely as the observed one.
 */
export function fisherExact(passA: number, failA: number, passB: number, failB: number): number {
  const n = passA + failA + passB + failB;
  if (n === 0) return 1;
  const rowA = passA + failA;
  const colPass = passA + passB;
  const lf = logFactorials(n);
  const logP = (x: number) =>
    lf[rowA] +
    lf[n - rowA] +
    lf[colPass] +
    lf[n - colPass] -
    lf[n] -
    lf[x] -
    lf[rowA - x] -
    lf[colPass - x] -
    lf[n - rowA - colPass + x];
  const observed = logP(passA);
  let p = 0;
  for (let x = Math.max(0, rowA + colPass - n); x <= Math.min(rowA, colPass); x++) {
    const lp = logP(x);
    // Relative tolerance so tables exactly as likely as the observed one are not lost to rounding.
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
