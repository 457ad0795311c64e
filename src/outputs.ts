// The step outputs, as a pure function of the report.
import { type Report, pinnedImage, type TargetResult } from './report.js';

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
      // An evaluation made no image: which one ran, and what a check found.
      ...(report.build.evaluation && {
        call: report.build.evaluation.call,
        ...(report.build.evaluation.warnings && { warnings: report.build.evaluation.warnings }),
      }),
    });
  }
  if (report.push) {
    outputs.digest = report.push.digest;
    outputs.image = pinnedImage(report);
  }
  if (report.deploy) {
    outputs['deploy-result'] = JSON.stringify(report.deploy.targets.map(targetOutput));
  }
  if (report.mail) {
    outputs['message-id'] = report.mail.messageIds.join('\n');
  }
  return outputs;
}

/** One deploy target, as `deploy-result` lists it (a host's fields are those of earlier versions). */
function targetOutput(target: TargetResult): Record<string, unknown> {
  const common = {
    status: target.status,
    durationMs: Math.round(target.durationMs),
    message: target.message,
  };
  if (target.kind === 'watchtower') {
    const { url, httpStatus, counts } = target;
    return {
      kind: target.kind,
      url,
      ...common,
      httpStatus: httpStatus ?? null,
      ...(counts ? { counts } : {}),
    };
  }
  const { service, endpoint, previousImage, image, replicas } = target;
  return {
    kind: target.kind,
    service,
    endpoint,
    ...common,
    previousImage,
    image,
    replicas: replicas ?? null,
  };
}

function roundOrNull(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms);
}
