// Last line of defence for secrets: the runner masks what core.setSecret registered in the log;
// the summary, the outputs, the annotations and the email pass through the redaction made here,
// whatever carried a secret into them (a commit message, docker's output, a host's answer).
import type { BuildSecret } from './inputs/secrets.js';
import { escapeHtml } from './text.js';
import type { Report } from './report.js';

/** A PEM armor line (`-----BEGIN CERTIFICATE-----`): the same in every PEM text, so no secret. */
const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/**
 * The texts to hide for secret values: each value, and each line of a multi-line one (a log line
 * shows one line of it) but a PEM armor line, which would hide every certificate's header.
 */
export function secretTexts(values: string[]): string[] {
  const texts = values.flatMap((value) => [value, ...value.split(/\r?\n/)]);
  return [
    ...new Set(
      texts.map((text) => text.trim()).filter((text) => text.length >= 3 && !PEM_ARMOR.test(text)),
    ),
  ];
}

/** The values behind build secrets: literal values, the variables' values, the files' contents. */
export function buildSecretValues(
  secrets: BuildSecret[],
  variables: Record<string, string | undefined>,
  readText: (file: string) => string | undefined,
): string[] {
  return secrets.flatMap((secret) => {
    const value =
      'value' in secret
        ? secret.value
        : 'variable' in secret
          ? variables[secret.variable]
          : readText(secret.file);
    return value ? [value] : [];
  });
}

/** Replaces secrets in `text`; `cutAtEnd` says the text was cut short, maybe inside one. */
export type Redactor = (text: string, cutAtEnd?: boolean) => string;

/**
 * Replaces every secret text with `***`, as written and as HTML writes it (`&` → `&amp;` …): the
 * summary and the email put texts in HTML, so an escaped secret must not slip past. For a text cut
 * short, the start of a secret the cut left at its end (3 characters or more) goes too.
 */
export function redactor(secrets: string[]): Redactor {
  const values = [...new Set(secrets.flatMap((secret) => [secret, escapeHtml(secret)]))]
    .filter((secret) => secret.length >= 3)
    .sort((a, b) => b.length - a.length);
  return (text, cutAtEnd = false) => {
    const whole = values.reduce((result, secret) => result.split(secret).join('***'), text);
    if (!cutAtEnd) return whole;
    // The longest start of any secret that ends the text.
    let longest = 0;
    for (const secret of values)
      for (let length = secret.length - 1; length > Math.max(longest, 2); length--)
        if (whole.endsWith(secret.slice(0, length))) longest = length;
    return longest > 0 ? `${whole.slice(0, -longest)}***` : whole;
  };
}

let stepRedaction: Redactor = (text) => text;

/**
 * The step's redaction, for the code that writes text without main at hand (annotations, the
 * tail of docker's output): main sets it as soon as it knows the secrets.
 */
export function setStepRedaction(redact: Redactor): void {
  stepRedaction = redact;
}

export const redactForStep: Redactor = (text, cutAtEnd) => stepRedaction(text, cutAtEnd);

/**
 * Redacts every string in `value`, in place, through arrays and plain objects (a Date or a
 * number is left as it is): a field added to the report later is covered without a change here.
 */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries())
      value[i] = typeof item === 'string' ? redact(item) : redactStrings(item, redact);
  } else if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record))
      record[key] = typeof item === 'string' ? redact(item) : redactStrings(item, redact);
  }
  return value;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Redacts the report before anything is made of it: every text in it, from the commit message
 * to what a host answered. The summary and the email escape texts in their own ways (a table
 * cell turns `|` into `&#124;`), so redacting only what they produce could miss a secret.
 */
export function redactReport(report: Report, redact: (text: string) => string): void {
  redactStrings(report, redact);
}
