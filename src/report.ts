// What happened in this run, stage by stage. The outputs, the job summary and the email are
// all pure functions of a Report, so they always agree with each other.
import { parseImageReference, repositoryOf } from './docker/reference.js';
import type { PlatformImage } from './docker/manifest.js';
import type { GitHubFacts } from './github.js';
import { cutText, MESSAGE_LIMIT } from './text.js';

export type Stage = 'inputs' | 'login' | 'build' | 'push' | 'deploy' | 'email';

export interface BuildResult {
  builder: 'buildx' | 'docker';
  /** The buildx builder named by the `builder` input or BUILDX_BUILDER; empty for the current one. */
  builderName: string;
  /**
   * The image's config digest, the id `docker image inspect`, `docker ps` and Watchtower show; for
   * an index, the image for the runner's platform. Empty when it could not be known.
   */
  imageId: string;
  durationMs: number;
}

export interface PushResult {
  /** What the registry serves for the first tag: an image manifest or an image index. */
  digest: string;
  /** Digest per tag (tags in different registries can differ). */
  digests: Record<string, string>;
  /** An index lists one image per platform (and BuildKit's attestations); a manifest is one image. */
  kind: 'index' | 'manifest';
  /** The images of an index as the registry serves them; empty for a manifest. */
  platforms: PlatformImage[];
  /** Undefined when buildx pushed as part of the build. */
  durationMs: number | undefined;
  /** How many tries the push took (a transient registry error is tried again). */
  tries: number;
}

export interface StageFailure {
  stage: Stage;
  message: string;
  /** Last lines of the failing command's own output. */
  logTail: string;
}

/**
 * What a host did, from its own evidence: `updated` and `no-change` only from Watchtower's JSON
 * summary; `no-match` when it scanned no container of the images; `unconfirmed` when it accepted
 * the request without saying what it did (upstream 1.7.1's empty 200, an async 202).
 */
export type HostStatus = 'updated' | 'no-change' | 'no-match' | 'failed' | 'unconfirmed';

/** Hosts whose outcome is a failure (the step fails on them unless fail-on-deploy-error is false). */
export function isFailedHost(status: HostStatus): boolean {
  return status === 'failed' || status === 'no-match';
}

export interface HostCounts {
  scanned: number;
  updated: number;
  failed: number;
  restarted: number;
  skipped: number;
}

export interface HostResult {
  /** Base URL as given, without credentials (inputs reject them). */
  url: string;
  status: HostStatus;
  httpStatus: number | undefined;
  durationMs: number;
  message: string;
  counts: HostCounts | undefined;
}

/** `deployed` only when every host confirmed an update or that it already ran the image. */
export type DeployStatus = 'deployed' | 'unconfirmed' | 'partial' | 'failed' | 'skipped';

export interface DeployResult {
  status: DeployStatus;
  hosts: HostResult[];
  /** Why the deployment was skipped. */
  reason: string;
}

/**
 * `sent`: every request accepted; `partial`: some accepted, some failed; `unknown`: a request got
 * no answer after it was sent (it may have been delivered); `sandboxed`: validated, not sent.
 */
export type MailStatus = 'sent' | 'partial' | 'unknown' | 'sandboxed' | 'skipped' | 'failed';

export interface MailResult {
  status: MailStatus;
  recipients: string[];
  messageIds: string[];
  requests: number;
  message: string;
}

export interface Report {
  startedAt: Date;
  tags: string[];
  pushRequested: boolean;
  github: GitHubFacts | undefined;
  build?: BuildResult;
  push?: PushResult;
  /** The failure that stopped the build half (login, build or push). */
  failure?: StageFailure;
  /** Set when the runner cancelled the step (SIGINT or SIGTERM), with the stage then running. */
  cancelled?: { signal: string; stage: Stage };
  deploy?: DeployResult;
  mail?: MailResult;
  /** Filled when the run ends. */
  durationMs?: number;
}

export function newReport(
  tags: string[],
  pushRequested: boolean,
  github: GitHubFacts | undefined,
): Report {
  return { startedAt: new Date(), tags, pushRequested, github };
}

/** Success means the image was built, pushed when asked, and every deploy host took it. */
export function overallStatus(report: Report): 'success' | 'failure' {
  return failedStage(report) ? 'failure' : 'success';
}

export function failedStage(report: Report): Stage | undefined {
  if (report.cancelled) return report.cancelled.stage;
  if (report.failure) return report.failure.stage;
  if (report.deploy?.status === 'failed' || report.deploy?.status === 'partial') return 'deploy';
  return undefined;
}

/**
 * What a successful run did, in the words the subject, the email and the summary use: "deployed"
 * only when every host confirmed it.
 */
export function successVerb(report: Report): string {
  if (!report.pushRequested) return 'built';
  if (report.deploy?.status === 'deployed') return 'pushed and deployed';
  if (report.deploy?.status === 'unconfirmed') return 'pushed, deploy unconfirmed';
  return 'pushed';
}

/** `repo@digest` of the first tag, the reference that pins exactly what was pushed. */
export function pinnedImage(report: Report): string {
  const first = report.tags[0];
  if (!first || !report.push) return '';
  const digest = report.push.digests[first] ?? report.push.digest;
  return `${repositoryOf(parseImageReference(first))}@${digest}`;
}

/**
 * Labels that say what the digest and the image id are: an index digest is not an image, and
 * the image id of an index build belongs to one platform.
 */
export function digestLabels(report: Report): { digest: string; imageId: string } {
  if (report.push?.kind !== 'index') return { digest: 'Digest', imageId: 'Image ID' };
  const platform = report.push.platforms.find((p) => p.config === report.build?.imageId)?.platform;
  return { digest: 'Index digest', imageId: platform ? `Image ID (${platform})` : 'Image ID' };
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** What went wrong, in a sentence or a line per host; bounded, as it goes in the summary and email. */
export function errorText(report: Report): string {
  if (report.cancelled) {
    const { signal, stage } = report.cancelled;
    return `cancelled (${signal}) during ${stage}${report.failure ? `: ${report.failure.message}` : ''}`;
  }
  if (report.failure) return cutText(report.failure.message, MESSAGE_LIMIT);
  const failedHosts = report.deploy?.hosts.filter((host) => isFailedHost(host.status)) ?? [];
  return cutText(
    failedHosts.map((host) => `${host.url}: ${host.message}`).join('\n'),
    MESSAGE_LIMIT,
  );
}
