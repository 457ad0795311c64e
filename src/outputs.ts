// The step outputs, as a pure function of the report.
import { type Report, pinnedImage } from './report.js';

export function stepOutputs(report: Report): Record<string, string> {
  const outputs: Record<string, string> = {
    tags: report.tags.join('\n'),
    'deploy-status': report.deploy?.status ?? 'skipped',
    'mail-status': report.mail?.status ?? 'skipped',
  };
  if (report.build) {
    outputs.imageid = report.build.imageId;
    outputs.metadata = JSON.stringify({
      tags: report.tags,
      digest: report.push?.digest ?? '',
      digestKind: report.push?.kind ?? null,
      digests: report.push?.digests ?? {},
      imageid: report.build.imageId,
      platforms: report.push?.platforms ?? [],
      image: pinnedImage(report),
      builder: report.build.builder,
      builderName: report.build.builderName,
      durations: {
        buildMs: Math.round(report.build.durationMs),
        pushMs: roundOrNull(report.push?.durationMs),
      },
      pushTries: report.push?.tries ?? null,
    });
  }
  if (report.push) {
    outputs.digest = report.push.digest;
    outputs.image = pinnedImage(report);
  }
  if (report.deploy) {
    outputs['deploy-result'] = JSON.stringify(
      report.deploy.hosts.map(({ url, status, httpStatus, durationMs, message, counts }) => ({
        url,
        status,
        httpStatus: httpStatus ?? null,
        durationMs: Math.round(durationMs),
        message,
        ...(counts ? { counts } : {}),
      })),
    );
  }
  if (report.mail) {
    outputs['message-id'] = report.mail.messageIds.join('\n');
  }
  return outputs;
}

function roundOrNull(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms);
}
