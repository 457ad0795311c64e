// Small shared pieces of the test servers: listen on loopback, read a body, scripted faults.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

/** What a test server does with the next request instead of its normal answer. */
export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** A body as it is, e.g. the HTML page of a web server standing where Watchtower should. */
  | { kind: 'raw'; status: number; contentType: string; body: string }
  | { kind: 'hang' }
  | { kind: 'close' }
  /** No fault: this request gets the normal answer (to queue a fault for a later one). */
  | { kind: 'pass' }
  /** The normal answer, this much later (the server handles it, e.g. after a client gave up). */
  | { kind: 'delay'; ms: number };

export interface TestServer {
  url: string;
  stop(): Promise<void>;
}

/** A certificate and its key (PEM), for a server that speaks https. */
export interface Tls {
  key: string;
  cert: string;
}

/** A self-signed certificate for `address` (127.0.0.1), made by openssl into `dir` (key.pem, cert.pem). */
export function selfSignedTls(dir: string, address = '127.0.0.1'): Tls & { certFile: string } {
  const [keyFile, certFile] = [`${dir}/key.pem`, `${dir}/cert.pem`];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${address}`,
      '-addext',
      `subjectAltName=IP:${address}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return {
    key: fs.readFileSync(keyFile, 'utf8'),
    cert: fs.readFileSync(certFile, 'utf8'),
    certFile,
  };
}

export async function listen(
  handler: http.RequestListener,
  tls?: Tls,
): Promise<TestServer & { server: http.Server }> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  response: http.ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(text ? { 'Content-Type': 'application/json' } : {}),
    ...headers,
  });
  response.end(text);
}

/** Plays a fault; returns false when there is none and the server should answer normally. */
export function playFault(
  fault: Fault | undefined,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): boolean {
  if (!fault || fault.kind === 'pass' || fault.kind === 'delay') return false;
  if (fault.kind === 'raw') {
    response.writeHead(fault.status, { 'Content-Type': fault.contentType });
    response.end(fault.body);
    return true;
  }
  if (fault.kind === 'hang') return true; // never answers; the client's timeout must end it
  if (fault.kind === 'close') {
    request.socket.destroy();
    return true;
  }
  sendJson(response, fault.status, fault.body, fault.headers);
  return true;
}
