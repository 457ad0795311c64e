// Bounds on what the step writes for people, whatever docker or the inputs gave it (GitHub drops
// a job summary over 1 MiB whole, and an error annotation or an email of megabytes helps nobody),
// and the escaping of text inside HTML.

/** The `::error::` message, and the failure text in the summary and the email. */
export const MESSAGE_LIMIT = 16 * 1024;
/** The job summary: under GitHub's 1 MiB, with room for the note that says it was cut. */
export const SUMMARY_LIMIT = 1_000_000;

/**
 * 1234567 as "1,234,567", as `toLocaleString('en-US')` writes an integer, without the ICU data
 * that call loads on first use (about 13 ms of a run that cuts one line).
 */
export function groupDigits(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, at a line end when there is one, saying so. */
export function cutText(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const marker = `\n… [cut: ${groupDigits(Buffer.byteLength(text))} bytes in all; the log has everything]`;
  // A character cut in half decodes as U+FFFD; it is dropped with the partial line after it.
  const kept = Buffer.from(text)
    .subarray(0, maxBytes - Buffer.byteLength(marker))
    .toString('utf8');
  const lineEnd = kept.lastIndexOf('\n');
  const whole = lineEnd > 0 ? kept.slice(0, lineEnd) : kept.replace(/\uFFFD$/, '');
  return whole + marker;
}

/** Text made safe inside HTML: the email's, and the form in which a secret may appear there. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
