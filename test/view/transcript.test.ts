// Transcript windows of both agents' formats: Codex `exec --json` events become the same events as
// Claude's (text, reasoning, commands with output, file changes, usage per turn), a last line still
// being written is left for later, and a huge line is noted instead of parsed.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTranscriptWindow } from '../../src/view/transcript.js';
import { tmpDir } from '../helpers/tmp.js';

const line = (o: unknown) => JSON.stringify(o) + '\n';
const COST = { usdPerWeight: 0.000001 };

describe('transcript windows', () => {
  it('normalise Codex events', async () => {
    const f = join(tmpDir('scylla-tx-'), 'stdout.log');
    writeFileSync(
      f,
      line({ type: 'thread.started', thread_id: 't' }) +
        line({ type: 'turn.started' }) +
        line({
          type: 'item.completed',
          item: { id: 'i0', type: 'reasoning', text: 'Plan: write hello.py' },
        }) +
        line({
          type: 'item.completed',
          item: {
            id: 'i1',
            type: 'command_execution',
            command: 'python3 hello.py',
            aggregated_output: 'Hello, World!\n',
            exit_code: 0,
            status: 'completed',
          },
        }) +
        line({
          type: 'item.completed',
          item: {
            id: 'i2',
            type: 'file_change',
            changes: [{ path: 'hello.py', kind: 'add' }],
            status: 'completed',
          },
        }) +
        line({
          type: 'item.completed',
          item: { id: 'i3', type: 'agent_message', text: 'Created hello.py.' },
        }) +
        line({
          type: 'turn.completed',
          usage: { input_tokens: 1500, cached_input_tokens: 500, output_tokens: 40 },
        }),
    );
    const w = await readTranscriptWindow(f, 0, 1 << 20, COST);
    expect(w.eof).toBe(true);
    expect(w.events.map((e) => e.kind)).toEqual([
      'init',
      'thinking',
      'tool_use',
      'tool_result',
      'tool_use',
      'text',
      'usage',
    ]);
    const cmd = w.events[2];
    expect(cmd).toMatchObject({ kind: 'tool_use', name: 'command', label: 'python3 hello.py' });
    expect(w.events[3]).toMatchObject({ kind: 'tool_result', toolUseId: 'i1', isError: false });
    expect(w.events[4]).toMatchObject({ name: 'file_change', label: 'add hello.py' });
    const usage = w.events[6];
    expect(usage).toMatchObject({ kind: 'usage', usage: { input: 1000, cacheRead: 500, output: 40 } });
    expect(usage.kind === 'usage' && usage.costUsd).toBeCloseTo((1000 + 5 * 40 + 0.1 * 500) * 0.000001);
  });

  it('leave a half-written last line for the next request, and note a huge line', async () => {
    const f = join(tmpDir('scylla-tx-'), 'stdout.log');
    const first = line({ type: 'assistant', message: { id: 'm', content: [{ type: 'text', text: 'one' }] } });
    writeFileSync(f, first + '{"type":"assistant","mess');
    const w = await readTranscriptWindow(f, 0, 1 << 20, COST);
    expect(w.events.map((e) => e.kind)).toEqual(['text']);
    expect(w.next).toBe(first.length);
    expect(w.eof).toBe(false);
    appendFileSync(f, 'age":{"id":"n","content":[{"type":"text","text":"two"}]}}\n');
    const w2 = await readTranscriptWindow(f, w.next, 1 << 20, COST);
    expect(w2.events).toMatchObject([{ kind: 'text', text: 'two' }]);
    expect(w2.eof).toBe(true);
    appendFileSync(
      f,
      line({ type: 'user', message: { content: 'x'.repeat(9 << 20) } }) +
        line({ type: 'result', num_turns: 2 }),
    );
    const w3 = await readTranscriptWindow(f, w2.next, 1 << 16, COST);
    expect(w3.events[0]).toMatchObject({ kind: 'note', truncated: true });
    const w4 = await readTranscriptWindow(f, w3.next, 1 << 16, COST);
    expect(w4.events).toMatchObject([{ kind: 'result', numTurns: 2 }]);
  });
});
