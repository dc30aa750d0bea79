// Text inputs: the size limit is inclusive, a BOM is dropped, and a problem names the line it is on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES, readTextFile } from '../../src/config/text-file.js';
import { configError } from '../helpers/config-error.js';
import { tmpDir } from '../helpers/tmp.js';

const file = (content: string | Buffer) => {
  const f = join(tmpDir('scylla-text-'), 'input.md');
  writeFileSync(f, content);
  return f;
};

describe('readTextFile', () => {
  it('takes a file of exactly the limit and refuses one byte more', () => {
    expect(readTextFile(file('a'.repeat(MAX_INPUT_BYTES)))).toHaveLength(MAX_INPUT_BYTES);
    const big = file('a'.repeat(MAX_INPUT_BYTES + 1));
    expect(configError(() => readTextFile(big)).problems).toEqual([
      expect.objectContaining({
        file: big,
        message: `is ${MAX_INPUT_BYTES + 1} bytes; the limit is 1 MiB (1048576 bytes)`,
      }),
    ]);
  });

  it('drops a UTF-8 BOM and keeps CRLF line ends', () => {
    expect(readTextFile(file(Buffer.from('\ufeffa\r\nb\r\n')))).toBe('a\r\nb\r\n');
  });

  it('names the line of an invalid byte, of a NUL, and says an empty file is empty when it must not be', () => {
    const bad = file(Buffer.concat([Buffer.from('one\ntwo\nthr'), Buffer.from([0xc3, 0x28])]));
    expect(configError(() => readTextFile(bad)).problems[0]).toMatchObject({ line: 3 });
    expect(configError(() => readTextFile(file('a\n\nb\0'))).problems[0]).toMatchObject({ line: 3 });
    expect(readTextFile(file(' \n'))).toBe(' \n');
    expect(configError(() => readTextFile(file(' \n'), { nonEmpty: true })).message).toMatch(/is empty$/);
  });

  it('points at the place that named a path when the path is not a usable file', () => {
    const dir = tmpDir('scylla-text-');
    const e = configError(() =>
      readTextFile(dir, {
        namedAt: { file: '/x/test.yaml', line: 4, field: 'task.prompt_file', value: 'p' },
      }),
    );
    expect(e.message).toBe(`/x/test.yaml:4: task.prompt_file: "p" is a directory, not a file: ${dir}`);
  });
});
