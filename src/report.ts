// What happened in this run, stage by stage. The outputs, the job summary and the email are
// all pure functions of a Report, so they always agree with each other.
import { parseImageReference, repositoryOf } from './docker/reference.js';
import type { GitHubFacts } from './github.js';

export type Stage = 'inputs' | 'login' | 'build' | 'push' | 'deploy' | 'notify';

export interface BuildResult {
  builder: 'buildx' | 'docker';
  imageId: string;
  durationMs: number;
}

export interface PushResult {
  /** Registry manifest digest of the first tag. */
  digest: string;
  /** Digest per tag (tags in different registries can differ). */
  digests: Record<string, string>;
  /** Undefined when buildx pushed as part of the build. */
  durationMs: number | undefined;
}

export interface StageFailure {
  stage: Stage;
  message: string;
  /** Last lines of the failing command's own output. */
  logTail: string;
}

export type HostStatus = 'updated' | 'no-change' | 'failed' | 'unknown';

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

export type DeployStatus = 'deployed' | 'partial' | 'failed' | 'skipped';

export interface DeployResult {
  status: DeployStatus;
  hosts: HostResult[];
  /** Why the deployment was skipped. */
  reason: string;
}

export type MailStatus = 'sent' | 'sandboxed' | 'skipped' | 'failed';

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
  if (report.failure) return report.failure.stage;
  if (report.deploy?.status === 'failed' || report.deploy?.status === 'partial') return 'deploy';
  return undefined;
}

/** `repo@digest` of the first tag, the reference that pins exactly what was pushed. */
export function pinnedImage(report: Report): string {
  const first = report.tags[0];
  if (!first || !report.push) return '';
  const digest = report.push.digests[first] ?? report.push.digest;
  return `${repositoryOf(parseImageReference(first))}@${digest}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function errorText(report: Report): string {
  if (report.failure) return report.failure.message;
  const failedHosts = report.deploy?.hosts.filter((host) => host.status === 'failed') ?? [];
  return failedHosts.map((host) => `${host.url}: ${host.message}`).join('\n');
}
