// Subject, text and HTML of the email: the user's templates with placeholders filled, or the
// defaults below. Pure functions of the report.
import type { MailInputs } from '../inputs/index.js';
import { type Report, digestLabels, failedStage, failureHeadline, successVerb } from '../report.js';
import { placeholderValues, deployLines } from './facts.js';
import { fillPlaceholders, type PlaceholderValues } from './placeholders.js';
import { defaultHtml } from './html.js';
import { escapeHtml } from '../text.js';

export interface Message {
  subject: string;
  text: string;
  html: string;
}

const MAX_SUBJECT = 200;

/** A subject is one header line: line breaks and control characters become spaces. */
export function sanitizeSubject(subject: string): string {
  const flat = subject
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > MAX_SUBJECT ? `${flat.slice(0, MAX_SUBJECT - 1)}…` : flat;
}

export function defaultSubject(report: Report, values: PlaceholderValues): string {
  const first = report.tags[0] ?? 'image';
  const sha = values['short-sha'] ? ` (${values['short-sha']})` : '';
  const failure = failureHeadline(report);
  if (failure) return `❌ ${failure}: ${first}${sha}`;
  return `✅ ${successVerb(report)} ${first}${sha}`;
}

export function defaultText(report: Report, values: PlaceholderValues): string {
  const stage = failedStage(report);
  const labels = digestLabels(report);
  const rows: [string, string][] = [
    ['Status', stage ? `failure (${stage} failed)` : 'success'],
    ['Image', values.image],
    [labels.digest, values.digest],
    ['Tags', values.tags],
    [labels.imageId, values.imageid],
    ['Repository', values.repository],
    ['Commit', [values['short-sha'], values['commit-message']].filter(Boolean).join(' ')],
    ['Ref', values.ref],
    ['Actor', values.actor],
    ['Duration', values.duration],
    ['Run', values['run-url']],
  ];
  const lines = rows.filter(([, value]) => value).map(([label, value]) => `${label}: ${value}`);
  const hosts = deployLines(report);
  if (hosts.length > 0)
    lines.push('', `Deployment: ${values['deploy-status']}`, ...hosts.map((line) => `  ${line}`));
  if (values.error) lines.push('', 'Error:', values.error);
  if (report.failure?.logTail)
    lines.push('', 'Last lines of docker output:', report.failure.logTail);
  return `${lines.join('\n')}\n`;
}

/**
 * The email's texts. Each passes `redact` once filled, before the subject is cut to one line: a
 * template can carry a secret as well as the report can.
 */
export function composeMessage(
  mail: MailInputs,
  report: Report,
  redact: (text: string) => string = (text) => text,
): Message {
  const values = placeholderValues(report);
  return {
    subject: sanitizeSubject(
      redact(
        mail.subject ? fillPlaceholders(mail.subject, values) : defaultSubject(report, values),
      ),
    ),
    text: redact(mail.text ? fillPlaceholders(mail.text, values) : defaultText(report, values)),
    html: redact(
      mail.html
        ? fillPlaceholders(mail.html, values, escapeHtml)
        : mail.text
          ? ''
          : defaultHtml(report, values),
    ),
  };
}
