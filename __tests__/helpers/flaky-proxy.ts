// A loopback proxy in front of a real registry that answers chosen requests with an error a few
// times before letting them through: a registry that fails transiently (429, 5xx, a dropped
// connection), or for good (401). Errors use the registry API's error body
// (distribution spec, "Error Codes"); everything else is forwarded as is, Host header included,
// so the upload URLs the registry hands out keep pointing at the proxy.
import * as http from 'node:http';
import type * as net from 'node:net';

/** What to answer instead of forwarding: an HTTP status, or `reset` to drop the connection. */
export type FlakyAnswer = number | 'reset';

export interface FlakyProxy {
  /** `127.0.0.1:PORT`, the registry part of a tag pushed through the proxy. */
  host: string;
  /** Every request that matched, with what it got (`forwarded`, a status, or `reset`). */
  matched: { method: string; path: string; answer: FlakyAnswer | 'forwarded' }[];
  stop(): Promise<void>;
}

export interface FlakyPlan {
  /** Which requests the answers apply to, e.g. manifest uploads. */
  match: (method: string, path: string) => boolean;
  /** Answers for the first matching requests, in order; later ones are forwarded. */
  answers: FlakyAnswer[];
  /** Sent as Retry-After with 429 and 503 answers. */
  retryAfterSeconds?: number;
}

/** A manifest upload: what neither dockerd nor BuildKit retries by itself. */
export const MANIFEST_PUT = (method: string, path: string): boolean =>
  method === 'PUT' && /^\/v2\/.+\/manifests\/[^/]+$/.test(path);

const CODES: Record<number, string> = {
  401: 'UNAUTHORIZED',
  429: 'TOOMANYREQUESTS',
  500: 'UNKNOWN',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
};

export async function startFlakyProxy(registryHost: string, plan: FlakyPlan): Promise<FlakyProxy> {
  const [targetHost, targetPort] = registryHost.split(':');
  const answers = [...plan.answers];
  const matched: FlakyProxy['matched'] = [];
  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?')[0]!;
    if (plan.match(method, path)) {
      const answer = answers.shift();
      matched.push({ method, path, answer: answer ?? 'forwarded' });
      if (answer === 'reset') {
        request.socket.destroy();
        return;
      }
      if (answer !== undefined) {
        request.resume();
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if ((answer === 429 || answer === 503) && plan.retryAfterSeconds !== undefined)
          headers['Retry-After'] = String(plan.retryAfterSeconds);
        response.writeHead(answer, headers).end(
          JSON.stringify({
            errors: [{ code: CODES[answer] ?? 'UNKNOWN', message: `flaky proxy: ${answer}` }],
          }),
        );
        return;
      }
    }
    const upstream = http.request(
      {
        host: targetHost,
        port: Number(targetPort),
        method,
        path: request.url,
        headers: request.headers,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    matched,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
