// The facts an email can mention, computed once from the report: placeholder values for
// subject/text/html and the data merged into a SendGrid dynamic template.
import { shortSha } from '../github.js';
import {
  type Report,
  errorText,
  failedStage,
  formatDuration,
  overallStatus,
  pinnedImage,
} from '../report.js';
import type { PlaceholderValues } from './placeholders.js';

function shortHash(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** One line per host, e.g. `https://a:8080: updated (HTTP 200, 1.2 s)`. */
export function deployLines(report: Report): string[] {
  return (report.deploy?.hosts ?? []).map(
    (host) =>
      `${host.url}: ${host.status}${host.httpStatus ? ` (HTTP ${host.httpStatus}, ${formatDuration(host.durationMs)})` : ''}${host.message ? ` ${host.message}` : ''}`,
  );
}

export function placeholderValues(report: Report): PlaceholderValues {
  const gh = report.github;
  const digest = report.push?.digest ?? '';
  const imageId = report.build?.imageId ?? '';
  return {
    status: overallStatus(report),
    image: pinnedImage(report) || (report.tags[0] ?? ''),
    digest,
    'short-digest': shortHash(digest),
    imageid: imageId,
    'short-imageid': shortHash(imageId),
    tags: report.tags.join(', '),
    repository: gh?.repository ?? '',
    ref: gh?.ref ?? '',
    sha: gh?.sha ?? '',
    'short-sha': shortSha(gh?.sha ?? ''),
    actor: gh?.actor ?? '',
    'commit-message': (gh?.commitMessage ?? '').split('\n')[0] ?? '',
    'run-url': gh?.runUrl ?? '',
    'commit-url': gh?.commitUrl ?? '',
    workflow: gh?.workflow ?? '',
    duration: formatDuration(report.durationMs),
    'failed-stage': failedStage(report) ?? '',
    error: errorText(report),
    'deploy-status': report.deploy?.status ?? 'skipped',
    'deploy-result': deployLines(report).join('\n'),
  };
}

/** Placeholder values with snake_case keys, which Handlebars templates can name directly. */
export function templateFacts(values: PlaceholderValues): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key.replace(/-/g, '_'), value]),
  );
}
