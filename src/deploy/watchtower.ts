// Watchtower's HTTP API, both flavours (sources: containrrr/watchtower v1.7.1
// pkg/api/update/update.go and pkg/filters/filters.go; nicholas-fedor/watchtower's changelog and
// its pkg/filters and internal/api code):
// - containrrr/watchtower 1.7.1 (archived): any method on /v1/update?image=a,b with a bearer
//   token; 200 with an empty body once pulls and restarts are done, whether or not a container
//   matched; 401 with an empty body.
// - nicholas-fedor/watchtower (maintained fork): a JSON body {summary:{scanned,updated,failed,
//   restarted?,skipped?}, timing, timestamp, api_version} since 1.12.1; POST only, and 429 from
//   its rate limiter past 60 requests a minute per client (1.16); 429 with Retry-After for a
//   full scan while another update runs, while a targeted update (?image=, what this action
//   sends) waits for it (internal/api/handlers/update); ?async=true answers 202 (1.17).
// Pure: the request to make and what an answer proves.
import type { HostCounts, TargetStatus } from '../report.js';
import { familiarRepository } from '../docker/digest.js';
import { parseImageReference } from '../docker/reference.js';

export interface HostVerdict {
  status: TargetStatus;
  message: string;
  counts: HostCounts | undefined;
}

/** Always names the images: without `image=` upstream silently does nothing while busy. */
export function updateUrl(baseUrl: string, images: string[]): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/update?image=${images.map(encodeURIComponent).join(',')}`;
}

/** Images that upstream Watchtower can never match: it cuts the image name at the first `:`. */
export function imagesWithRegistryPort(images: string[]): string[] {
  return images.filter((image) => /^[^/]+:\d+\//.test(image));
}

/**
 * Every spelling a container's image may have for a repository: Watchtower compares the name a
 * container was created with (compose `image:`, `docker run`) with `image=` literally (1.7.1,
 * and the fork before 1.20.2, which alone normalises names), so a Docker Hub repository is sent
 * as each of the ways docker accepts it. Other registries are sent as written: docker keeps
 * their names as they are.
 */
export function imageSpellings(repository: string): string[] {
  // Docker's short name: `docker.io/library/nginx` → `nginx`; other registries keep their host.
  const familiar = familiarRepository(repository);
  if (parseImageReference(familiar).domain) return [repository];
  const paths = familiar.includes('/') ? [familiar] : [familiar, `library/${familiar}`];
  return ['', 'docker.io/', 'index.docker.io/'].flatMap((host) => paths.map((p) => host + p));
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The fork's summary, or undefined when the body is not Watchtower's JSON. */
export function parseCounts(body: string): HostCounts | undefined {
  let summary: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(body) as { summary?: unknown };
    summary =
      parsed && typeof parsed.summary === 'object' && parsed.summary !== null
        ? (parsed.summary as Record<string, unknown>)
        : undefined;
  } catch {
    return undefined;
  }
  if (
    !summary ||
    !isCount(summary.scanned) ||
    !isCount(summary.updated) ||
    !isCount(summary.failed)
  )
    return undefined;
  return {
    scanned: summary.scanned,
    updated: summary.updated,
    failed: summary.failed,
    // Later additions (restarted, then skipped): zero when this version does not report them.
    restarted: isCount(summary.restarted) ? summary.restarted : 0,
    skipped: isCount(summary.skipped) ? summary.skipped : 0,
  };
}

/** The start of a body that is not Watchtower's, to say what answered instead. */
function bodyStart(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

export function interpretResponse(httpStatus: number, body: string): HostVerdict {
  const verdict = (status: TargetStatus, message: string, counts?: HostCounts): HostVerdict => ({
    status,
    message,
    counts,
  });
  if (httpStatus === 401 || httpStatus === 403)
    return verdict(
      'failed',
      `token rejected (HTTP ${httpStatus}): watchtower-token must equal WATCHTOWER_HTTP_API_TOKEN on the host`,
    );
  if (httpStatus === 404 || httpStatus === 405)
    return verdict(
      'failed',
      `no update endpoint here (HTTP ${httpStatus}): is it enabled (WATCHTOWER_HTTP_API_ENDPOINTS=update, or WATCHTOWER_HTTP_API_UPDATE=true before 1.20), and is the URL the API's base?`,
    );
  if (httpStatus === 202)
    return verdict('unconfirmed', 'accepted; the update runs in the background (HTTP 202)');
  if (httpStatus < 200 || httpStatus >= 300)
    return verdict('failed', `Watchtower answered HTTP ${httpStatus}`);
  if (!body.trim())
    return verdict(
      'unconfirmed',
      `HTTP ${httpStatus} with an empty body: the host took the request but does not say what it updated (containrrr/watchtower 1.7.1, or the fork before 1.12.1)`,
    );
  const counts = parseCounts(body);
  if (!counts)
    return verdict(
      'failed',
      `not a Watchtower API: HTTP ${httpStatus} with "${bodyStart(body)}" (a proxy, a login page or another server answered)`,
    );
  const tally = `scanned ${counts.scanned}, updated ${counts.updated}, failed ${counts.failed}${counts.skipped ? `, skipped ${counts.skipped}` : ''}`;
  if (counts.failed > 0)
    return verdict('failed', `${tally}: the host could not update every container`, counts);
  // The fork counts a container it could not check (a failed pull or registry login on the
  // host, a cooldown) as skipped, outside `scanned`: not updated, so not deployed.
  if (counts.skipped > 0)
    return verdict(
      'failed',
      `${tally}: the host skipped containers it could not check or pull (registry credentials on the host? Watchtower's log says why)`,
      counts,
    );
  if (counts.updated > 0) return verdict('updated', tally, counts);
  if (counts.scanned === 0)
    return verdict(
      'no-match',
      `${tally}: no container here runs these images (check the container's image name and, with WATCHTOWER_LABEL_ENABLE, its com.centurylinklabs.watchtower.enable label)`,
      counts,
    );
  return verdict('no-change', `${tally}: already up to date`, counts);
}

/** Seconds from `Retry-After`; a default when absent or unreadable. */
export function retryAfterMs(value: string | null, fallbackMs = 5000): number {
  const seconds = Number(value);
  return value !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallbackMs;
}
