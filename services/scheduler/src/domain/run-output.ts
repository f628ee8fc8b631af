/**
 * What a run printed, bounded so one chatty run cannot bloat its event (and
 * every read model and SSE notice downstream): the first half of the budget
 * keeps the opening lines, the rest keeps the latest ones, and a marker line
 * between says how much was left out. An over-long line is cut with a marker
 * of its own. Pure; the activity feeds it.
 */
export const OUTPUT_LIMIT_BYTES = 64 * 1024;
export const LINE_LIMIT_CHARS = 4 * 1024;
/** Room kept for the marker line, so the text never exceeds the limit. */
const MARKER_RESERVE = 160;

export interface RunOutputText {
  output: string;
  truncated: boolean;
}

export class RunOutput {
  private readonly head: string[] = [];
  private headBytes = 0;
  private readonly tail: string[] = [];
  private tailBytes = 0;
  private droppedLines = 0;
  private droppedBytes = 0;
  private linesCut = false;
  private readonly headBudget: number;
  private readonly budget: number;

  constructor(private readonly limitBytes = OUTPUT_LIMIT_BYTES) {
    this.budget = limitBytes - MARKER_RESERVE;
    this.headBudget = Math.floor(this.budget / 2);
  }

  /** Continues an earlier attempt's output (from its heartbeat), so a retried run keeps what it printed. */
  static resume(previous: RunOutputText | undefined, limitBytes = OUTPUT_LIMIT_BYTES): RunOutput {
    const output = new RunOutput(limitBytes);
    if (previous?.output) for (const line of previous.output.split('\n')) output.print(line);
    if (previous?.truncated) output.linesCut = true;
    return output;
  }

  /** Adds a line (or several, split on newlines). */
  print(text: string): void {
    for (let line of text.split(/\r?\n/)) {
      if (line.length > LINE_LIMIT_CHARS) {
        line = `${line.slice(0, LINE_LIMIT_CHARS)} … [line cut: ${line.length - LINE_LIMIT_CHARS} more characters]`;
        this.linesCut = true;
      }
      const bytes = Buffer.byteLength(line) + 1;
      if (this.tail.length === 0 && this.droppedLines === 0 && this.headBytes + bytes <= this.headBudget) {
        this.head.push(line);
        this.headBytes += bytes;
        continue;
      }
      this.tail.push(line);
      this.tailBytes += bytes;
      while (this.tailBytes > this.budget - this.headBytes && this.tail.length > 0) {
        const dropped = this.tail.shift()!;
        const droppedBytes = Buffer.byteLength(dropped) + 1;
        this.tailBytes -= droppedBytes;
        this.droppedLines++;
        this.droppedBytes += droppedBytes;
      }
    }
  }

  get truncated(): boolean {
    return this.droppedLines > 0 || this.linesCut;
  }

  text(): RunOutputText {
    const lines = [...this.head];
    if (this.droppedLines > 0) {
      const kib = (this.droppedBytes / 1024).toFixed(1);
      lines.push(
        `… [output truncated: ${this.droppedLines} line${this.droppedLines === 1 ? '' : 's'} (${kib} KiB) left out; a run keeps at most ${Math.round(this.limitBytes / 1024)} KiB, its first and its latest lines] …`,
      );
    }
    lines.push(...this.tail);
    return { output: lines.join('\n'), truncated: this.truncated };
  }
}
