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
  replicaCount,
  targetLabel,
} from '../report.js';
import type { PlaceholderValues } from './placeholders.js';

function shortHash(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * A line per deploy target, e.g. `https://a:8080: updated (HTTP 200, 1.2 s) scanned 1, …` or
 * `service api: rolled-back (0/2 on the new image, 14.2 s) the update failed…`; a service's
 * image before and the one pushed for it on a line of their own, indented.
 */
export function deployLines(report: Report): string[] {
  return (report.deploy?.targets ?? []).flatMap((target) => {
    const facts =
      target.kind === 'swarm'
        ? [`${replicaCount(target.replicas)} on the new image`]
        : target.httpStatus
          ? [`HTTP ${target.httpStatus}`]
          : [];
    if (facts.length > 0) facts.push(formatDuration(target.durationMs));
    const line = `${targetLabel(target)}: ${target.status}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${target.message ? ` ${target.message}` : ''}`;
    return target.kind === 'swarm'
      ? [line, `  image before: ${target.previousImage || '?'}; pushed: ${target.image}`]
      : [line];
  });
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
    event: gh?.eventName ?? '',
    issue: gh?.issue ?? '',
    action: gh?.action ?? '',
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
