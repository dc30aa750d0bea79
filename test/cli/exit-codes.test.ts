// One exit code per condition across commands: "not an experiment directory" is a usage error (2)
// from every command that takes one; the codes are the documented table.
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EXIT_CODES } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp.js';

async function exitOf(argv: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const err = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  try {
    await main(['node', 'scylla', ...argv]);
    return { code: Number(process.exitCode ?? 0), stderr: lines.join('\n') };
  } finally {
    process.exitCode = before;
    err.mockRestore();
    out.mockRestore();
  }
}

describe('exit codes', () => {
  it('the documented table', () => {
    expect(EXIT_CODES).toEqual({
      ok: 0,
      error: 1,
      usage: 2,
      busy: 3,
      incomplete: 4,
      internal: 70,
      interrupted: 130,
    });
  });

  for (const cmd of [['status'], ['report'], ['export']])
    it(`${cmd[0]} on a directory that is not an experiment exits ${EXIT_CODES.usage}`, async () => {
      const dir = tmpDir('scylla-notexp-');
      const r = await exitOf([...cmd, dir]);
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.stderr).toContain(`${dir} is not an experiment directory`);
    });

  it('an unknown flag is a usage error', async () => {
    expect((await exitOf(['status', '--bogus'])).code).toBe(EXIT_CODES.usage);
  });
});
