import { describe, expect, it } from 'vitest';
import { LINE_LIMIT_CHARS, OUTPUT_LIMIT_BYTES, RunOutput } from './run-output';

describe('run output: bounded, with a visible marker where it was cut', () => {
  it('a short output is kept whole', () => {
    const out = new RunOutput();
    out.print('3 instance(s) with daily backup on');
    out.print('i-1: snapshot task t-1 created\ni-2: snapshot task t-2 created');
    expect(out.text()).toEqual({
      output: '3 instance(s) with daily backup on\ni-1: snapshot task t-1 created\ni-2: snapshot task t-2 created',
      truncated: false,
    });
  });

  it('a flood keeps the first and the latest lines, within the limit, with a marker saying how much is missing', () => {
    const out = new RunOutput();
    const total = 10_000;
    for (let i = 1; i <= total; i++) out.print(`line ${i} ${'x'.repeat(40)}`);
    const { output, truncated } = out.text();
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(OUTPUT_LIMIT_BYTES);
    expect(Buffer.byteLength(output)).toBeGreaterThan(OUTPUT_LIMIT_BYTES - 1024);
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^line 1 x/);
    expect(lines.at(-1)).toMatch(new RegExp(`^line ${total} x`));
    const marker = lines.findIndex((l) => l.includes('[output truncated'));
    expect(marker).toBeGreaterThan(0);
    const kept = lines.length - 1;
    expect(lines[marker]).toMatch(
      new RegExp(`output truncated: ${total - kept} lines \\(\\d+\\.\\d KiB\\) left out; a run keeps at most 64 KiB`),
    );
    // Nothing between the head and the tail is out of order: the head ends where the marker is, the tail continues to the end.
    const before = Number(lines[marker - 1]!.split(' ')[1]);
    const after = Number(lines[marker + 1]!.split(' ')[1]);
    expect(after - before - 1).toBe(total - kept);
  });

  it('an over-long line is cut with a marker of its own', () => {
    const out = new RunOutput();
    out.print('y'.repeat(LINE_LIMIT_CHARS + 500));
    const { output, truncated } = out.text();
    expect(truncated).toBe(true);
    expect(output).toMatch(/y … \[line cut: 500 more characters\]$/);
  });

  it('a retried attempt continues the earlier output and keeps its truncation', () => {
    const first = new RunOutput(2_000);
    for (let i = 0; i < 100; i++) first.print(`first attempt line ${i}`);
    const resumed = RunOutput.resume(first.text(), 2_000);
    resumed.print('second attempt');
    const { output, truncated } = resumed.text();
    expect(truncated).toBe(true);
    expect(output.split('\n')[0]).toBe('first attempt line 0');
    expect(output.split('\n').at(-1)).toBe('second attempt');
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(2_000);
  });
});
