import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { tmpDir } from '../helpers/tmp.js';

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string; experiment?: string; run?: string });

describe('createLogger', () => {
  it('gives each experiment of a batch its own log file; runs log into their experiment’s', () => {
    const dir = tmpDir();
    const root = createLogger();
    const a = root.child({ experiment: 'test-001' });
    const b = root.child({ experiment: 'test-002' });
    a.toFile(join(dir, 'a.jsonl'));
    b.toFile(join(dir, 'b.jsonl'));
    a.info('from a');
    b.info('from b');
    a.child({ run: 'T0/00/run_01' }).warn('run of a');
    expect(lines(join(dir, 'a.jsonl')).map((l) => l.msg)).toEqual(['from a', 'run of a']);
    expect(lines(join(dir, 'b.jsonl')).map((l) => l.msg)).toEqual(['from b']);
    expect(lines(join(dir, 'a.jsonl'))[1]).toMatchObject({ experiment: 'test-001', run: 'T0/00/run_01' });
  });

  it('prefixes terminal lines with the experiment and run they are about, and redacts keys', () => {
    const out: string[] = [];
    const root = createLogger({ sink: (l) => out.push(l) });
    root.info('plain');
    root
      .child({ experiment: 'test-002' })
      .child({ run: 'T1/01/run_02' })
      .info('done with sk-ant-abcdefgh123');
    expect(out).toEqual(['plain', '[test-002] [T1/01/run_02] done with [REDACTED]']);
  });
});
