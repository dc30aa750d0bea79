// Numbers as people read them: 0.94, not 0.9400000000000001 (binary floating-point noise).

/** `n` rounded to 12 significant digits; integers and non-finite values unchanged. */
export function tidyNumber(n: number): number {
  return Number.isFinite(n) && !Number.isInteger(n) ? Number(n.toPrecision(12)) : n;
}
