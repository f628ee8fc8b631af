import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askSecret } from './users-create';

/** A terminal as the CLI meets it: raw mode can be set, and whatever is written to the output is on screen. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  (input as unknown as { setRawMode: (on: boolean) => void }).setRawMode = (on: boolean) => void input.rawModes.push(on);
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let screen = '';
  output.on('data', (d: Buffer) => (screen += d.toString()));
  return { input, output, screen: () => screen };
}

describe('the password prompt', () => {
  it('does not show what is typed on a terminal, and takes corrections', async () => {
    const t = terminal();
    const answer = askSecret('password: ', t.input as never, t.output as never);
    t.input.write('s3cret-passX');
    t.input.write('\u007f');
    t.input.write('word\r');
    expect(await answer).toBe('s3cret-password');
    expect(t.screen()).toContain('password: ');
    expect(t.screen()).not.toContain('s3cret');
    expect(t.screen()).toBe('password: \n');
    expect(t.input.rawModes).toEqual([true, false]);
  });

  it('reads one line from a pipe', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const answer = askSecret('password: ', input as never, output as never);
    input.end('piped-password-1\nrest\n');
    expect(await answer).toBe('piped-password-1');
  });
});
