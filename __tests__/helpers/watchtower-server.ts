// A local stand-in for Watchtower's HTTP API that records what it receives. Contract sources:
// containrrr/watchtower 1.7.1 (pkg/api/update/update.go, pkg/api/api.go: any method on
// /v1/update, bearer token, 401 with an empty body, 200 with an empty body after the update,
// `image=` split on commas) and nicholas-fedor/watchtower (docs "HTTP API mode": POST only,
// JSON {summary:{scanned,updated,failed,restarted,skipped}, timing, timestamp, api_version},
// 429 from its rate limiter; a targeted update waits for one already running).
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
  queue(...faults: Fault[]): void;
}

export interface WatchtowerOptions {
  flavour: 'upstream' | 'fork';
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
  let requests = 0;
  const server = await listen(async (request, response) => {
    requests++;
    await readBody(request);
    if (playFault(queued.shift(), request, response)) return;
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1/update') return sendJson(response, 404);
    if (options.flavour === 'fork' && request.method !== 'POST') return sendJson(response, 405);
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (token !== options.token) return sendJson(response, 401);
    const images = (url.searchParams.get('image') ?? '').split(',').filter(Boolean);
    calls.push({ method: request.method ?? '', path: url.pathname, images, token });
    const started = Date.now();
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const summary = options.onUpdate
      ? await options.onUpdate(images)
      : { scanned: 1, updated: 1, failed: 0, restarted: 0, skipped: 0 };
    if (options.flavour === 'upstream') return sendJson(response, 200);
    sendJson(response, 200, {
      summary,
      timing: { duration: `${Date.now() - started}ms` },
      timestamp: new Date().toISOString(),
      api_version: 'v1',
    });
  }, options.tls);
  return {
    url: server.url,
    server: server.server,
    stop: server.stop,
    calls,
    requestCount: () => requests,
    queue: (...faults) => queued.push(...faults),
  };
}
