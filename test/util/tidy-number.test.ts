import { describe, expect, it } from 'vitest';
import { toCsv, toJsonl } from '../../src/report/export-rows.js';
import { tidyNumber } from '../../src/util/tidy-number.js';

describe('tidyNumber', () => {
  it('drops binary floating-point noise and leaves everything else alone', () => {
    expect(tidyNumber(0.1 + 0.2)).toBe(0.3);
    expect(tidyNumber(3.1670000000000003)).toBe(3.167);
    expect(tidyNumber(0.014400000000000001)).toBe(0.0144);
    expect(tidyNumber(1e-9 / 3)).toBe(3.33333333333e-10);
    expect(tidyNumber(42)).toBe(42);
    expect(tidyNumber(Infinity)).toBe(Infinity);
    expect(Number.isNaN(tidyNumber(NaN))).toBe(true);
  });

  it('is applied to exported numbers (CSV and JSONL)', () => {
    const rows = [{ score: 0.9400000000000001, cost_usd: 0.014400000000000001, run: 1, name: 'a,b' }];
    expect(toCsv(rows)).toBe('score,cost_usd,run,name\n0.94,0.0144,1,"a,b"\n');
    expect(toJsonl(rows)).toBe('{"score":0.94,"cost_usd":0.0144,"run":1,"name":"a,b"}\n');
  });
});
