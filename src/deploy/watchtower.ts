// Watchtower's HTTP API, both flavours:
// - containrrr/watchtower 1.7.1 (archived): any method on /v1/update?image=a,b with a bearer
//   token; 200 with an empty body once pulls and restarts are done; 401 with an empty body.
// - nicholas-fedor/watchtower (maintained fork, 1.12+): POST only (1.16+), a JSON body
//   {summary:{scanned,updated,failed,restarted,skipped}, timing, timestamp, api_version};
//   429 with Retry-After while another update runs; ?async=true answers 202 (1.17+).
// Pure: the request to make and what an answer means.
import type { HostCounts, HostStatus } from '../report.js';

export interface HostVerdict {
  status: HostStatus;
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

function parseCounts(body: string): HostCounts | undefined {
  if (!body.trim()) return undefined;
  try {
    const summary = (JSON.parse(body) as { summary?: Partial<HostCounts> }).summary;
    if (!summary || typeof summary !== 'object') return undefined;
    const n = (value: unknown): number => (typeof value === 'number' ? value : 0);
    return {
      scanned: n(summary.scanned),
      updated: n(summary.updated),
      failed: n(summary.failed),
      restarted: n(summary.restarted),
      skipped: n(summary.skipped),
    };
  } catch {
    return undefined;
  }
}

export function interpretResponse(httpStatus: number, body: string): HostVerdict {
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      status: 'failed',
      counts: undefined,
      message: `token rejected (HTTP ${httpStatus}): watchtower-token must equal WATCHTOWER_HTTP_API_TOKEN on the host`,
    };
  }
  if (httpStatus === 404 || httpStatus === 405) {
    return {
      status: 'failed',
      counts: undefined,
      message: `no update endpoint here (HTTP ${httpStatus}): is WATCHTOWER_HTTP_API_UPDATE=true set, and is the URL the API's base?`,
    };
  }
  if (httpStatus === 202)
    return {
      status: 'unknown',
      counts: undefined,
      message: 'accepted; the update runs in the background',
    };
  if (httpStatus < 200 || httpStatus >= 300) {
    return {
      status: 'failed',
      counts: undefined,
      message: `Watchtower answered HTTP ${httpStatus}`,
    };
  }
  const counts = parseCounts(body);
  if (!counts)
    return {
      status: 'unknown',
      counts,
      message: 'update finished; this Watchtower reports no details',
    };
  const tally = `scanned ${counts.scanned}, updated ${counts.updated}, failed ${counts.failed}`;
  if (counts.failed > 0)
    return {
      status: 'failed',
      counts,
      message: `${tally}: the host could not update every container`,
    };
  if (counts.updated > 0) return { status: 'updated', counts, message: tally };
  if (counts.scanned === 0)
    return { status: 'no-change', counts, message: `${tally}: no container runs these images` };
  return { status: 'no-change', counts, message: `${tally}: already up to date` };
}

/** Seconds from `Retry-After`; a default when absent or unreadable. */
export function retryAfterMs(value: string | null, fallbackMs = 5000): number {
  const seconds = Number(value);
  return value !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallbackMs;
}
