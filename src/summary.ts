// The job summary (GitHub-flavoured markdown), as a pure function of the report.
import { maskEmail } from './notify/address.js';
import { shortSha } from './github.js';
import {
  type Report,
  digestLabels,
  errorText,
  failedStage,
  failureHeadline,
  formatDuration,
  overallStatus,
  pinnedImage,
  replicaCount,
  successVerb,
  warningCount,
} from './report.js';
import { cutText, SUMMARY_LIMIT } from './text.js';

/** Text for a table cell: no HTML, no pipes, line breaks kept as <br>. */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/\r?\n/g, '<br>');
}

function code(text: string): string {
  return text ? `<code>${cell(text)}</code>` : '';
}

function link(text: string, url: string): string {
  return url ? `[${cell(text)}](${url})` : cell(text);
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function headline(report: Report): string {
  const failure = failureHeadline(report);
  const first = report.tags[0] ?? 'image';
  if (report.cancelled) return `❌ cancelled during ${report.cancelled.stage}`;
  if (failure) return `❌ ${failure}`;
  const evaluation = report.build?.evaluation;
  if (evaluation) {
    // A check says what it found; the other calls print their result to the log.
    const found = evaluation.warnings
      ? `: ${warningCount(evaluation.warnings.length)} (nothing built)`
      : ` (call: ${evaluation.call}, nothing built)`;
    return `✅ ${successVerb(report)} ${code(first)}${found}`;
  }
  if (!report.pushRequested) return `✅ built ${code(first)} (not pushed)`;
  return `✅ ${successVerb(report)} ${code(first)}`;
}

function builderText(report: Report): string {
  if (!report.build) return '';
  if (report.build.builder === 'docker') return 'docker build (classic)';
  return `docker buildx build${report.build.builderName ? ` (builder ${code(report.build.builderName)})` : ''}`;
}

function digestText(report: Report): string {
  if (!report.push) return '';
  if (report.push.kind === 'manifest') return code(report.push.digest);
  const platforms = report.push.platforms.map((p) => p.platform).join(', ');
  return `${code(report.push.digest)}<br>image index${platforms ? ` of ${cell(platforms)}` : ''}`;
}

function buildRows(report: Report): string[][] {
  const gh = report.github;
  const labels = digestLabels(report);
  const rows: [string, string][] = [
    [
      'Status',
      report.cancelled
        ? `❌ cancelled (${report.cancelled.signal}) during ${report.cancelled.stage}`
        : overallStatus(report) === 'success'
          ? '✅ success'
          : `❌ failure in ${failedStage(report)}`,
    ],
    [
      'Image',
      code(pinnedImage(report)) ||
        (report.build?.evaluation
          ? `_nothing built (call: ${report.build.evaluation.call})_`
          : report.pushRequested
            ? '_not pushed_'
            : '_push disabled_'),
    ],
    [labels.digest, digestText(report)],
    ['Tags', report.tags.map(code).join('<br>') || '_none_'],
    [labels.imageId, code(report.build?.imageId ?? '')],
    ['Builder', builderText(report)],
    ['Commit', gh?.sha ? link(shortSha(gh.sha), gh.commitUrl) : ''],
    ['Ref', code(gh?.ref ?? '')],
    ['Actor', gh?.actor ? cell(`@${gh.actor}`) : ''],
    ['Run', gh?.runUrl ? link('workflow run', gh.runUrl) : ''],
    ['Build', formatDuration(report.build?.durationMs)],
    [
      'Push',
      report.push
        ? `${report.push.durationMs === undefined ? 'included in build' : formatDuration(report.push.durationMs)}, ${report.push.tries === 1 ? '1 try' : `${report.push.tries} tries`}`
        : '',
    ],
  ];
  return rows.filter(([, value]) => value !== '');
}

function failureSection(report: Report): string[] {
  const error = errorText(report);
  if (!error) return [];
  const lines = [`### What failed`, '', cell(error)];
  if (report.failure?.logTail) {
    // A fenced block keeps docker's output verbatim; fences inside it are broken up.
    lines.push(
      '',
      '<details><summary>Last lines of docker output</summary>',
      '',
      '```text',
      report.failure.logTail.replace(/```/g, "'''"),
      '```',
      '',
      '</details>',
    );
  }
  return lines;
}

function deploySection(report: Report): string[] {
  const deploy = report.deploy;
  if (!deploy) return [];
  const hosts = deploy.targets.filter((target) => target.kind === 'watchtower');
  const services = deploy.targets.filter((target) => target.kind === 'swarm');
  const lines = [
    '### Deployment',
    '',
    `**${deploy.status}**${deploy.reason ? `: ${cell(deploy.reason)}` : ''}`,
  ];
  if (hosts.length > 0) {
    lines.push(
      '',
      table(
        ['Host', 'Result', 'HTTP', 'Time', 'Details'],
        hosts.map((host) => [
          cell(host.url),
          host.status,
          host.httpStatus === undefined ? '–' : String(host.httpStatus),
          formatDuration(host.durationMs),
          cell(host.message),
        ]),
      ),
    );
  }
  if (services.length > 0) {
    lines.push(
      '',
      table(
        ['Swarm service', 'Result', 'On new image', 'Image before → pushed', 'Time', 'Details'],
        services.map((service) => [
          cell(service.endpoint ? `${service.service} (${service.endpoint})` : service.service),
          service.status,
          replicaCount(service.replicas),
          cell(`${service.previousImage || '?'} → ${service.image}`),
          formatDuration(service.durationMs),
          cell(service.message),
        ]),
      ),
    );
  }
  return lines;
}

function mailSection(report: Report): string[] {
  const mail = report.mail;
  if (!mail) return [];
  // Summaries are readable by everyone who can read the run, so addresses are masked.
  const recipients = mail.recipients.map(maskEmail);
  const shown =
    recipients.slice(0, 10).join(', ') +
    (recipients.length > 10 ? `, … (${recipients.length - 10} more)` : '');
  return [
    '### Email',
    '',
    table(
      ['Status', 'Recipients', 'Message ID', 'Details'],
      [
        [
          mail.status,
          cell(`${mail.recipients.length}: ${shown}`),
          cell(mail.messageIds.join(', ')),
          cell(mail.message),
        ],
      ],
    ),
  ];
}

/**
 * The summary cut under GitHub's limit (it drops a larger one whole, so nothing would show): an
 * open code block and details element are closed after the cut.
 */
export function fitSummary(markdown: string): string {
  if (Buffer.byteLength(markdown) <= SUMMARY_LIMIT) return markdown;
  const cut = cutText(markdown, SUMMARY_LIMIT - 64);
  const openFence = (cut.match(/^```/gm)?.length ?? 0) % 2 === 1;
  const openDetails =
    (cut.match(/<details>/g)?.length ?? 0) > (cut.match(/<\/details>/g)?.length ?? 0);
  return `${cut}${openFence ? '\n```' : ''}${openDetails ? '\n\n</details>' : ''}\n`;
}

/**
 * The job summary; without `build` (build-summary: false), only what failed, the deployment and
 * the email, and nothing at all when none of those has anything to say.
 */
export function renderSummary(report: Report, { build = true } = {}): string {
  const buildPart = build ? [`## ${headline(report)}`, '', table(['', ''], buildRows(report))] : [];
  const markdown = [
    ...buildPart,
    '',
    ...failureSection(report),
    '',
    ...deploySection(report),
    '',
    ...mailSection(report),
    '',
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '');
  return markdown.trim() ? fitSummary(markdown) : '';
}

/** The summary when the inputs were rejected: nothing ran, so only the problems. */
export function renderInputErrorSummary(problems: string[]): string {
  return fitSummary(
    [
      '## ❌ inputs rejected',
      '',
      'Nothing was built or pushed. Fix these first:',
      '',
      ...problems.map((p) => `- ${cell(p)}`),
      '',
    ].join('\n'),
  );
}
