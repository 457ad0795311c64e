// An HTTP proxy on loopback, as a runner behind a corporate proxy has: it tunnels CONNECT requests
// (what proxy-aware clients send for every target, http or https) for the hosts it is told to
// route, and records every request it saw. A host it does not route gets 502, like a proxy
// that cannot resolve it. Names such as `watchtower.invalid` resolve only through it, so a
// request that bypassed it cannot succeed.
import * as net from 'node:net';
import { listen, type TestServer } from './http.js';

export interface RecordingProxy extends TestServer {
  /** `CONNECT host:port`, or `METHOD url` for a plain request, in the order they came. */
  passed: string[];
}

/**
 * `routes` maps a `host:port` clients ask for to the loopback `host:port` that serves it.
 * `silent`: accept every connection and never answer, like a proxy whose upstream hangs.
 */
export async function startRecordingProxy(
  routes: Record<string, string>,
  options: { silent?: boolean } = {},
): Promise<RecordingProxy> {
  const passed: string[] = [];
  const tunnels = new Set<net.Socket>();
  const proxy = await listen((request, response) => {
    passed.push(`${request.method} ${request.url}`);
    if (!options.silent) response.writeHead(502).end();
  });
  proxy.server.on('connect', (request, client: net.Socket, head: Buffer) => {
    passed.push(`CONNECT ${request.url}`);
    tunnels.add(client);
    client.on('error', () => client.destroy());
    if (options.silent) return;
    const route = routes[request.url ?? ''];
    if (!route) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const [host, port] = route.split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      tunnels.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => tunnels.delete(socket));
    }
  });
  return {
    url: proxy.url,
    passed,
    async stop() {
      for (const socket of tunnels) socket.destroy();
      await proxy.stop();
    },
  };
}
