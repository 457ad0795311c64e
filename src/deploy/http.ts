// One POST over node:http(s). Node's global fetch loads its own copy of undici on first use
// (about 25 ms of start-up here, measured with --cpu-prof); one request per host does not need it.
// The agent comes from the toolkit's http-client (already loaded by @actions/core): it goes
// through HTTPS_PROXY/HTTP_PROXY and skips them for NO_PROXY hosts, as the runner and the
// SendGrid client do.
import { HttpClient } from '@actions/http-client';
import * as http from 'node:http';
import * as https from 'node:https';

/** Watchtower's answer is a small JSON object; more than this is not Watchtower. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
  /** Whether the request had reached the host (written to its connection) when time ran out. */
  constructor(readonly requestSent: boolean) {
    super(requestSent ? 'no answer in time' : 'not sent in time');
  }
}

/** The connection ended after the whole request was sent, before any answer. */
export class DroppedError extends Error {
  override name = 'DroppedError';
  constructor(override readonly cause: Error & { code?: string }) {
    super(cause.message);
  }
}

export async function post(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': '0' },
        // A client per request: HttpClient keeps the first direct agent it made and hands it to
        // every later URL, so an https host after an http one would get the http agent.
        agent: new HttpClient('build-push-notify').getAgent(url),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    // The deadline settles the call itself: behind a proxy that never answers CONNECT, destroying
    // the request raises no error until the proxy gives up.
    let sent = false;
    // 'finish': the whole request was handed to the host's connection (after a proxy's CONNECT).
    request.on('finish', () => (sent = true));
    const timer = setTimeout(() => {
      reject(new TimeoutError(sent));
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(sent ? new DroppedError(error) : error);
    });
    request.end();
  });
}
