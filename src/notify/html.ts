// The default HTML email: a table layout with inline styles, the way mail clients render
// reliably. Every value is escaped, so commit messages and errors show as text. It uses only what
// Gmail, Outlook, Apple Mail and Yahoo render (caniemail's data, checked by a test): no
// `white-space` or `overflow` (Outlook on Windows ignores them), and long values such as digests
// wrap in every client, by `word-break` where it works and `<wbr>` where it does not (Yahoo).
import {
  type Report,
  type TargetResult,
  type TargetStatus,
  digestLabels,
  failureHeadline,
  formatDuration,
  replicaCount,
  successVerb,
  targetLabel,
} from '../report.js';
import type { PlaceholderValues } from './placeholders.js';
import { escapeHtml } from '../text.js';

/** Characters between break points in a long value: a digest wraps inside a phone's width. */
const BREAK_EVERY = 16;
/** Runs up to this long (a word, a short tag) are left whole. */
const LONGEST_WHOLE = 24;

/**
 * `text` escaped, with a `<wbr>` break point every 16 characters of a run without spaces longer
 * than 24 (a digest, a URL), for the clients without `word-break`; copying it copies no extra
 * character. Line breaks become `<br>`, and spaces that would collapse `&nbsp;`.
 */
export function breakableHtml(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) =>
      line
        .split(/( +)/)
        .map((part, i) => {
          // Runs of spaces (odd indexes) keep their width: all but the last are non-breaking.
          if (i % 2 === 1) return `${'&nbsp;'.repeat(part.length - 1)} `;
          if (part.length <= LONGEST_WHOLE) return escapeHtml(part);
          const pieces = part.match(new RegExp(`.{1,${BREAK_EVERY}}`, 'gsu')) ?? [];
          return pieces.map(escapeHtml).join('<wbr>');
        })
        .join('')
        .replace(/^ /, '&nbsp;'),
    )
    .join('<br>');
}

/** A short label kept on one line without `white-space`, which Outlook on Windows ignores. */
function oneLine(text: string): string {
  return escapeHtml(text).replace(/ /g, '&nbsp;');
}

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif";
const MONO = "font-family:SFMono-Regular,Consolas,'Liberation Mono',Menlo,monospace";

function row(label: string, valueHtml: string): string {
  if (!valueHtml) return '';
  return `<tr><td style="padding:6px 12px 6px 0;color:#57606a;vertical-align:top;${FONT};font-size:14px">${oneLine(label)}</td><td style="padding:6px 0;color:#1f2328;${FONT};font-size:14px;word-break:break-word">${valueHtml}</td></tr>`;
}

function mono(text: string): string {
  return text
    ? `<span style="${MONO};font-size:13px;word-break:break-all">${breakableHtml(text)}</span>`
    : '';
}

function anchor(text: string, url: string): string {
  return url
    ? `<a href="${escapeHtml(url)}" style="color:#0969da;text-decoration:none">${escapeHtml(text)}</a>`
    : escapeHtml(text);
}

const TARGET_COLOUR: Record<TargetStatus, string> = {
  updated: '#1a7f37',
  'no-change': '#57606a',
  unconfirmed: '#9a6700',
  deferred: '#9a6700',
  'no-match': '#cf222e',
  'rolled-back': '#cf222e',
  paused: '#cf222e',
  failed: '#cf222e',
};

/** What a target's third column says: a host's HTTP status, a service's replicas; and the time. */
function targetFacts(target: TargetResult): string {
  const first =
    target.kind === 'watchtower'
      ? String(target.httpStatus ?? '–')
      : `${replicaCount(target.replicas)} replicas`;
  return `${first} · ${formatDuration(target.durationMs)}`;
}

function deployTable(report: Report): string {
  const targets = report.deploy?.targets ?? [];
  if (targets.length === 0) return '';
  const cells = targets
    .map((target) => {
      // A service's image before and the one pushed for it, under its message: digests are
      // long, so they wrap.
      const images =
        target.kind === 'swarm'
          ? `<br><span style="${MONO};font-size:12px;color:#57606a;word-break:break-all">${breakableHtml(`before: ${target.previousImage || '?'}; pushed: ${target.image}`)}</span>`
          : '';
      return `<tr><td style="padding:4px 8px 4px 0;${MONO};font-size:13px;vertical-align:top;word-break:break-all">${breakableHtml(targetLabel(target))}</td><td style="padding:4px 8px;color:${TARGET_COLOUR[target.status]};font-weight:600;${FONT};font-size:13px;vertical-align:top">${escapeHtml(target.status)}</td><td style="padding:4px 8px;${FONT};font-size:13px;color:#57606a;vertical-align:top">${oneLine(targetFacts(target))}</td><td style="padding:4px 0;${FONT};font-size:13px;vertical-align:top;word-break:break-word">${breakableHtml(target.message)}${images}</td></tr>`;
    })
    .join('');
  return `<h3 style="margin:24px 0 8px;${FONT};font-size:15px;color:#1f2328">Deployment: ${escapeHtml(report.deploy?.status ?? '')}</h3><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">${cells}</table>`;
}

function failureBlock(values: PlaceholderValues, logTail: string): string {
  if (!values.error) return '';
  const log = logTail
    ? `<div style="margin-top:8px;padding:12px;background:#f6f8fa;border-radius:6px;${MONO};font-size:12px;color:#1f2328;word-break:break-all">${breakableHtml(logTail)}</div>`
    : '';
  return `<h3 style="margin:24px 0 8px;${FONT};font-size:15px;color:#cf222e">What failed${values['failed-stage'] ? `: ${escapeHtml(values['failed-stage'])}` : ''}</h3><div style="${FONT};font-size:14px;color:#1f2328;word-break:break-word">${breakableHtml(values.error)}</div>${log}`;
}

export function defaultHtml(report: Report, values: PlaceholderValues): string {
  const failure = failureHeadline(report);
  const banner = failure
    ? { colour: '#cf222e', text: failure }
    : {
        colour: '#1a7f37',
        text: `Image ${successVerb(report)}`,
      };
  const commit = [
    anchor(values['short-sha'], values['commit-url']),
    breakableHtml(values['commit-message']),
  ]
    .filter(Boolean)
    .join(' ');
  const labels = digestLabels(report);
  const rows = [
    row('Image', mono(values.image)),
    row(labels.digest, mono(values.digest)),
    row('Tags', report.tags.map(mono).join('<br>')),
    row(labels.imageId, mono(values['short-imageid'])),
    row('Repository', escapeHtml(values.repository)),
    row('Commit', commit),
    row('Ref', mono(values.ref)),
    row('Actor', escapeHtml(values.actor)),
    row('Duration', escapeHtml(values.duration)),
  ].join('');
  const button = values['run-url']
    ? `<p style="margin:24px 0 0"><a href="${escapeHtml(values['run-url'])}" style="display:inline-block;padding:10px 16px;background:#1f2328;color:#ffffff;border-radius:6px;text-decoration:none;${FONT};font-size:14px;font-weight:600">View the workflow run</a></p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(banner.text)}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f8fa;padding:24px 0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
<tr><td style="background:${banner.colour};border-radius:8px 8px 0 0;padding:16px 24px;color:#ffffff;${FONT};font-size:18px;font-weight:600">${escapeHtml(banner.text)}</td></tr>
<tr><td style="padding:20px 24px">
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">${rows}</table>
${deployTable(report)}
${failureBlock(values, report.failure?.logTail ?? '')}
${button}
</td></tr>
<tr><td style="padding:12px 24px;border-top:1px solid #d0d7de;color:#57606a;${FONT};font-size:12px">Sent by build-push-notify${values.workflow ? ` from the ${escapeHtml(values.workflow)} workflow` : ''}.</td></tr>
</table></td></tr></table>
</body></html>
`;
}
