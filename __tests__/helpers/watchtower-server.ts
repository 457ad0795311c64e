// A local stand-in for the maintained fork's HTTP API that records what it receives, answering as
// nicholas-fedor/watchtower v1.20.1 did in watchtower.test.ts: POST only; a bearer token, else
// 401 "missing or invalid API Key"; 200 with {summary:{scanned,updated,failed,restarted,skipped},
// timing, timestamp, api_version}; `image=` split on commas. What real Watchtower does on demand
// is tested against it; this is for what it cannot be made to do (answer late or never, 429).
import {
  type Fault,
  listen,
  playFault,
  readBody,
  sendJson,
  type TestServer,
  type Tls,
} from './http.js';

export interface UpdateCall {
  method: string;
  path: string;
  images: string[];
  token: string;
}

export interface UpdateSummary {
  scanned: number;
  updated: number;
  failed: number;
  restarted: number;
  skipped: number;
}

export interface WatchtowerServer extends TestServer {
  server: import('node:http').Server;
  calls: UpdateCall[];
  requestCount(): number;
  /** When the first request came: performance.now(), the clock of runAction's endedAt. */
  firstRequestAt(): number | undefined;
  queue(...faults: Fault[]): void;
}

export interface WatchtowerOptions {
  token: string;
  /** How long an update takes before the answer. */
  delayMs?: number;
  /** Does the real work (pull, recreate) and says what it did. */
  onUpdate?: (images: string[]) => Promise<UpdateSummary>;
  /** Serve https (as behind a TLS-terminating proxy) with this certificate. */
  tls?: Tls;
}

export async function startWatchtower(options: WatchtowerOptions): Promise<WatchtowerServer> {
  const calls: UpdateCall[] = [];
  const queued: Fault[] = [];
  const arrivals: number[] = [];
  const server = await listen(async (request, response) => {
    arrivals.push(performance.now());
    await readBody(request);
    if (playFault(queued.shift(), request, response)) return;
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1/update') return sendJson(response, 404);
    if (request.method !== 'POST') return sendJson(response, 405);
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (token !== options.token) {
      response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      return response.end('missing or invalid API Key');
    }
    const images = (url.searchParams.get('image') ?? '').split(',').filter(Boolean);
    calls.push({ method: request.method ?? '', path: url.pathname, images, token });
    const started = Date.now();
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const summary = options.onUpdate
      ? await options.onUpdate(images)
      : { scanned: 1, updated: 1, failed: 0, restarted: 0, skipped: 0 };
    sendJson(response, 200, {
      summary,
      timing: { duration: `${Date.now() - started}ms`, duration_ms: Date.now() - started },
      timestamp: new Date().toISOString(),
      api_version: 'v1',
    });
  }, options.tls);
  return {
    url: server.url,
    server: server.server,
    stop: server.stop,
    calls,
    requestCount: () => arrivals.length,
    firstRequestAt: () => arrivals[0],
    queue: (...faults) => queued.push(...faults),
  };
}
