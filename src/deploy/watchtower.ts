// Watchtower's HTTP API, both flavours, as the real servers answered in the tests
// (__tests__/e2e/watchtower.test.ts runs nicholas-fedor/watchtower v1.20.1 and
// containrrr/watchtower v1.7.1, built from their Go modules):
// - containrrr/watchtower 1.7.1 (archived): any method on /v1/update?image=a,b with a bearer
//   token; 200 with an empty body once pulls and restarts are done, whether or not a container
//   matched; 401 with an empty body; the connection closed without an answer when its docker is
//   unreachable (a panic in its handler). Other parameters are ignored.
// - nicholas-fedor/watchtower (maintained fork): POST only; 200 with {summary:{scanned,updated,
//   failed,restarted,skipped}, timing, timestamp, api_version} (since 1.12.0); `timeout=` bounds
//   the update, which then answers with what it did (a container cut off mid-update counts as
//   failed); 408 "Request Timeout" at the route's own limit (WATCHTOWER_HTTP_API_UPDATE_TIMEOUT,
//   10 min); 202 "Accepted" with `async=true`; 401 "missing or invalid API Key"; 429 from its
//   rate limiter; a targeted update (?image=, what this action sends) waits for one running.
//   Its summary cannot tell apart: a scan that failed from one that found nothing (all zero);
//   an up-to-date container from a monitor-only one (scanned, not updated); a cooldown from a
//   pull that failed (skipped, outside scanned).
// Pure: the request to make and what an answer proves.
import type { HostCounts, TargetStatus } from '../report.js';
import { familiarRepository } from '../docker/digest.js';
import { parseImageReference } from '../docker/reference.js';

export interface HostVerdict {
  status: TargetStatus;
  message: string;
  counts: HostCounts | undefined;
}

/** One request to a host. */
export interface UpdateRequest {
  images: string[];
  /**
   * The host's limit for the update (`timeout=`), what is left of watchtower-timeout: the fork
   * stops there and answers. Undefined asks it to update in the background (`async=true`) and
   * answer at once, under its own limit (the fork carries `timeout=` into the background too).
   */
  limitMs: number | undefined;
}

/** Time the step waits beyond the host's limit, for the answer it gives at that limit. */
export const ANSWER_GRACE_SECONDS = 5;

/** Always names the images: without `image=` upstream silently does nothing while busy. */
export function updateUrl(baseUrl: string, request: UpdateRequest): string {
  const images = request.images.map(encodeURIComponent).join(',');
  // Whole milliseconds: Go's time.ParseDuration takes `1500ms`, not `1.5e3s`.
  const how =
    request.limitMs === undefined ? '&async=true' : `&timeout=${Math.round(request.limitMs)}ms`;
  return `${baseUrl.replace(/\/+$/, '')}/v1/update?image=${images}${how}`;
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

/** What an update cut short leaves: docker finishes the stop Watchtower asked for, alone. */
const CUT_SHORT =
  'a container it was replacing may be left stopped (docker completes the stop, nothing starts it again); look at the host';

/** How the call went: the host's limit as sent (none in the background), and how long it took. */
export interface CallTiming {
  limitMs: number | undefined;
  elapsedMs: number;
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

export function interpretResponse(
  httpStatus: number,
  body: string,
  timing: CallTiming,
): HostVerdict {
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
  if (httpStatus === 408)
    return verdict(
      'failed',
      `the host stopped the update at its own limit (HTTP 408: WATCHTOWER_HTTP_API_UPDATE_TIMEOUT, 10 min by default, is below watchtower-timeout): ${CUT_SHORT}`,
    );
  if (httpStatus === 202)
    return verdict(
      'unconfirmed',
      'accepted; the update runs in the background (HTTP 202, watchtower-wait: false)',
    );
  if (httpStatus < 200 || httpStatus >= 300)
    return verdict('failed', `Watchtower answered HTTP ${httpStatus}`);
  if (!body.trim())
    return verdict(
      'unconfirmed',
      `HTTP ${httpStatus} with an empty body: the host took the request but does not say what it updated (containrrr/watchtower 1.7.1, or the fork before 1.12.0)`,
    );
  const counts = parseCounts(body);
  if (!counts)
    return verdict(
      'failed',
      `not a Watchtower API: HTTP ${httpStatus} with "${bodyStart(body)}" (a proxy, a login page or another server answered)`,
    );
  const tally = `scanned ${counts.scanned}, updated ${counts.updated}, failed ${counts.failed}${counts.skipped ? `, skipped ${counts.skipped}` : ''}`;
  // The fork answers at `timeout=` with what it had done. The answer took at least that long
  // (measured from before the connection, so an answer just under it may count too).
  const cut = timing.limitMs !== undefined && timing.elapsedMs >= timing.limitMs;
  if (counts.failed > 0)
    return verdict(
      'failed',
      cut
        ? `${tally}: the host stopped at the ${seconds(timing.limitMs!)} it was given (watchtower-timeout): ${CUT_SHORT}`
        : `${tally}: the host could not update every container (Watchtower's log says why)`,
      counts,
    );
  // The limit also counts the wait for another update's lock, and a pull: run out there, the
  // fork answers all zero, as for a host that runs none of the images.
  if (cut && counts.scanned + counts.skipped === 0)
    return verdict(
      'failed',
      `${tally}: the host's ${seconds(timing.limitMs!)} (watchtower-timeout) ran out before it had scanned anything: it waited that long for another update, or for a pull; Watchtower's log says which`,
      counts,
    );
  // Skipped is outside `scanned`, and a cooldown is told apart from a failed pull, or from a
  // container the fork cannot recreate because its image is gone, only in Watchtower's log.
  if (counts.skipped > 0)
    return verdict(
      'deferred',
      `${tally}: the host skipped ${counts.skipped} for now; a cooldown (WATCHTOWER_COOLDOWN_DELAY, or the container's cooldown-delay label) defers an image this new until it is old enough, a new image the host cannot check or pull (its registry login) is skipped the same way, and so is a container whose own image is gone from the host (for one, on the containerd image store a buildx build on that host removes the image it replaces: moby/moby#48907): Watchtower's log says which`,
      counts,
    );
  if (counts.updated > 0) return verdict('updated', tally, counts);
  if (counts.scanned === 0)
    return verdict(
      'no-match',
      `${tally}: no container here runs these images (check the container's image name and, with WATCHTOWER_LABEL_ENABLE, its com.centurylinklabs.watchtower.enable label), or the host could not list its containers (its docker unreachable: Watchtower's log says)`,
      counts,
    );
  return verdict(
    'unconfirmed',
    `${tally}: nothing updated; the containers run the pushed image already, or the host holds them back (monitor-only, an image pinned by digest): Watchtower's answer does not say which`,
    counts,
  );
}

/** Seconds from `Retry-After`; a default when absent or unreadable. */
export function retryAfterMs(value: string | null, fallbackMs = 5000): number {
  const seconds = Number(value);
  return value !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallbackMs;
}
