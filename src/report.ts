// What happened in this run, stage by stage. The outputs, the job summary and the email are
// all pure functions of a Report, so they always agree with each other.
import { parseImageReference, repositoryOf } from './docker/reference.js';
import type { CheckWarning } from './docker/check.js';
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
  /** Set for a `call` other than build: BuildKit evaluated the build and made no image. */
  evaluation?: {
    /** `check`, `outline` or `targets`. */
    call: string;
    /** What `check` found; undefined for the other calls. */
    warnings: CheckWarning[] | undefined;
  };
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
 * What a deploy target did, from its own evidence.
 * - Watchtower host, from its JSON summary: `updated` when it recreated containers; `no-match`
 *   when it scanned none (none runs the images, or its scan failed); `deferred` when it skipped
 *   them (a cooldown, or a new image it could not check or pull); `unconfirmed` when it scanned
 *   them and updated none (up to date, or held back: its answer does not say which), or accepted
 *   the request without saying what it did (upstream 1.7.1's empty 200, an async 202).
 * - Swarm service: from `docker service inspect` and its tasks: `updated` when every replica runs
 *   the pushed digest, `no-change` when it already did, `rolled-back` and `paused` when Swarm's
 *   failure action ran, `unconfirmed` when the step was cancelled during the rollout.
 */
export type TargetStatus =
  | 'updated'
  | 'no-change'
  | 'no-match'
  | 'rolled-back'
  | 'paused'
  | 'failed'
  | 'unconfirmed'
  | 'deferred';

/** Targets whose outcome is a failure (the step fails on them unless fail-on-deploy-error is false). */
export function isFailedTarget(status: TargetStatus): boolean {
  return ['failed', 'no-match', 'rolled-back', 'paused'].includes(status);
}

/** Targets that neither failed nor confirmed the pushed image: a warning each, not a failure. */
export const UNCONFIRMED_STATUSES = ['unconfirmed', 'deferred'] as const;

export function isUnconfirmedTarget(status: TargetStatus): boolean {
  return (UNCONFIRMED_STATUSES as readonly TargetStatus[]).includes(status);
}

export interface HostCounts {
  scanned: number;
  updated: number;
  failed: number;
  restarted: number;
  skipped: number;
}

/** What every deploy target reports, whatever it is. */
interface TargetOutcome {
  status: TargetStatus;
  durationMs: number;
  message: string;
}

export interface HostResult extends TargetOutcome {
  kind: 'watchtower';
  /** Base URL as given, without credentials (inputs reject them). */
  url: string;
  httpStatus: number | undefined;
  counts: HostCounts | undefined;
}

export interface Replicas {
  /** Replicas wanted (a global service: one per node it has a task on); undefined for a job. */
  desired: number | undefined;
  /** Tasks running, on any image. */
  running: number;
  /** Tasks running the pushed digest. */
  onImage: number;
}

export interface ServiceResult extends TargetOutcome {
  kind: 'swarm';
  service: string;
  /** The manager's endpoint (swarm-host); empty for the runner's own docker. */
  endpoint: string;
  /** The image the service ran before (`repository[:tag]@digest`); empty when unknown. */
  previousImage: string;
  /** The pinned image it was asked to run, `repository@digest`. */
  image: string;
  /** Undefined when the tasks could not be read. */
  replicas: Replicas | undefined;
}

export type TargetResult = HostResult | ServiceResult;

/** How a target is named in messages: a host by its URL, a service by its name and manager. */
export function targetLabel(target: TargetResult): string {
  if (target.kind === 'watchtower') return target.url;
  return `service ${target.service}${target.endpoint ? ` on ${target.endpoint}` : ''}`;
}

/** `deployed` only when every target confirmed an update or that it already ran the image. */
export type DeployStatus = 'deployed' | 'unconfirmed' | 'partial' | 'failed' | 'skipped';

export interface DeployResult {
  status: DeployStatus;
  /** Watchtower hosts and Swarm services, in the order they were given. */
  targets: TargetResult[];
  /** Why the deployment, or a part of it, was skipped. */
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

/** Success means the image was built, pushed when asked, and every deploy target took it. */
export function overallStatus(report: Report): 'success' | 'failure' {
  return failedStage(report) ? 'failure' : 'success';
}

/** `no warnings`, `1 warning`, `2 warnings`. */
export function warningCount(count: number): string {
  return count === 0 ? 'no warnings' : count === 1 ? '1 warning' : `${count} warnings`;
}

/** The failure in a few words, for headlines and subjects: `build failed`, `check found 2 warnings`. */
export function failureHeadline(report: Report): string | undefined {
  const stage = failedStage(report);
  if (!stage) return undefined;
  const warnings = report.build?.evaluation?.warnings?.length ?? 0;
  if (stage === 'build' && !report.cancelled && warnings > 0)
    return `check found ${warningCount(warnings)}`;
  return `${stage} failed`;
}

export function failedStage(report: Report): Stage | undefined {
  if (report.cancelled) return report.cancelled.stage;
  if (report.failure) return report.failure.stage;
  if (report.deploy?.status === 'failed' || report.deploy?.status === 'partial') return 'deploy';
  return undefined;
}

/**
 * What a successful run did, in the words the subject, the email and the summary use: "deployed"
 * only when every host and service confirmed it.
 */
export function successVerb(report: Report): string {
  const evaluation = report.build?.evaluation;
  if (evaluation) return evaluation.call === 'check' ? 'checked' : 'evaluated';
  if (!report.pushRequested) return 'built';
  if (report.deploy?.status === 'deployed') return 'pushed and deployed';
  if (report.deploy?.status === 'unconfirmed') return 'pushed, deploy unconfirmed';
  return 'pushed';
}

/**
 * `repo@digest`, the reference that pins exactly what was pushed: of the first tag, or of the
 * first tag in `repository` (tags in different registries can have different digests).
 */
export function pinnedImage(report: Report, repository?: string): string {
  const repositoryOfTag = (tag: string): string => repositoryOf(parseImageReference(tag));
  const tag = report.tags.find(
    (t) => repository === undefined || repositoryOfTag(t) === repository,
  );
  if (!tag || !report.push) return '';
  return `${repositoryOfTag(tag)}@${report.push.digests[tag] ?? report.push.digest}`;
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

/** `2/2`: replicas on the pushed digest of those wanted (`–` when the tasks were not read). */
export function replicaCount(replicas: Replicas | undefined): string {
  if (!replicas) return '–';
  return replicas.desired === undefined
    ? String(replicas.onImage)
    : `${replicas.onImage}/${replicas.desired}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** What went wrong, in a sentence or a line per deploy target; bounded, as it goes in the summary and email. */
export function errorText(report: Report): string {
  if (report.cancelled) {
    const { signal, stage } = report.cancelled;
    return `cancelled (${signal}) during ${stage}${report.failure ? `: ${report.failure.message}` : ''}`;
  }
  if (report.failure) return cutText(report.failure.message, MESSAGE_LIMIT);
  const failed = report.deploy?.targets.filter((target) => isFailedTarget(target.status)) ?? [];
  return cutText(
    failed.map((target) => `${targetLabel(target)}: ${target.message}`).join('\n'),
    MESSAGE_LIMIT,
  );
}
