// What is kept of a docker command's output: the last lines, each cut to a fixed length, so that
// a build printing gigabytes, or one line of megabytes, costs the same memory as any other and
// its failure report fits a job summary and an email. Pure: text in, bounded lines out.

import { groupDigits } from '../text.js';

/** Lines kept for a failure report. */
export const TAIL_LINES = 20;
/** Characters kept of one line; the rest is counted and replaced by a marker. */
export const LINE_CHARS = 600;

/** Terminal colour and cursor codes: noise in a summary or an email. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** A line cut to `max` characters, saying how many were left out. */
export function cutLine(line: string, max = LINE_CHARS, dropped = 0): string {
  const extra = Math.max(0, line.length - max) + dropped;
  return extra > 0 ? `${line.slice(0, max)} … [${groupDigits(extra)} more characters cut]` : line;
}

/** A line as it came (colour codes gone), and how many characters of it were not held. */
interface HeldLine {
  text: string;
  dropped: number;
}

/**
 * Splits a stream of text into lines, holding at most `maxChars` of a line not yet ended, and
 * keeps the last `maxLines` of them. Each complete line also goes to `onLine` (cut the same way,
 * not redacted: it is read for digests, and logged, which the runner masks).
 */
export class LineTail {
  private lines: HeldLine[] = [];
  private partial = '';
  private partialDropped = 0;

  constructor(
    private readonly maxLines = TAIL_LINES,
    private readonly maxChars = LINE_CHARS,
    private readonly onLine?: (line: string) => void,
    /**
     * The step's redaction, for `text()`: each kept line passes it before it is cut (a secret cut
     * in half would not be recognised), told whether part of the line was never held.
     */
    private readonly redact: (text: string, cutAtEnd: boolean) => string = (text) => text,
  ) {}

  push(text: string): void {
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      this.append(text.slice(start, end));
      this.finishLine();
      start = end + 1;
    }
    this.append(text.slice(start));
  }

  /** Ends the output: a last line without a newline still counts. */
  end(): void {
    if (this.partial || this.partialDropped) this.finishLine();
  }

  /** The kept lines, redacted, each cut: only these few, when a report asks for them. */
  text(): string {
    return this.lines
      .map(({ text, dropped }) =>
        // What was not held may have been the rest of a secret whose start ends the text.
        cutLine(this.redact(text, dropped > 0), this.maxChars, dropped),
      )
      .join('\n')
      .trimEnd();
  }

  private append(piece: string): void {
    // Room is kept for a colour code cut in half; codes are removed once the line is whole.
    const room = this.maxChars + 64 - this.partial.length;
    this.partial += piece.slice(0, Math.max(0, room));
    this.partialDropped += Math.max(0, piece.length - Math.max(0, room));
  }

  private finishLine(): void {
    const held = {
      text: this.partial.replace(ANSI, '').replace(/\r$/, ''),
      dropped: this.partialDropped,
    };
    this.partial = '';
    this.partialDropped = 0;
    this.onLine?.(cutLine(held.text, this.maxChars, held.dropped));
    if (!held.text.trim() && !held.dropped) return; // blank lines would only take the place of useful ones
    this.lines.push(held);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}

/** The last `count` lines of a text, cut like a docker tail (for texts already in memory). */
export function lastLines(text: string, count = TAIL_LINES): string {
  const tail = new LineTail(count);
  tail.push(text);
  tail.end();
  return tail.text();
}
