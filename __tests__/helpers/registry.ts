// A real Distribution registry (Debian's `docker-registry`) on 127.0.0.1, optionally with
// htpasswd auth, started per test file and torn down after. A "portless" one is named as a real
// registry is, without a port: another loopback address, with http on port 80 (what BuildKit and
// Watchtower ask of a loopback registry) and https on 443 with a self-signed certificate (what
// Docker 29's containerd store asks; dockerd skips the check for 127.0.0.0/8).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { selfSignedTls } from './http.js';

export interface Registry {
  /** `127.0.0.1:PORT` (or `127.0.0.N` for a portless one), the registry part of a tag. */
  host: string;
  /** The digest the registry serves for `repository:tag` (Docker-Content-Digest). */
  manifestDigest(repository: string, tag: string): Promise<string>;
  /** The manifest or index the registry serves for `repository:reference`, parsed. */
  manifest(repository: string, reference: string): Promise<unknown>;
  /** Whether the registry serves an image index (or manifest list) for `repository:tag`. */
  servesIndex(repository: string, tag: string): Promise<boolean>;
  /**
   * Every blob reachable from `repository:reference` as the registry serves it: manifests, image
   * configs (with their history), layers (gunzipped) and attestations.
   */
  everything(repository: string, reference: string): Promise<Buffer[]>;
  stop(): Promise<void>;
  /** The registry's process id, for faults that kill it. */
  pid: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

const portFree = (port: number, address: string): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: Error & { code?: string }) =>
      error.code === 'EACCES'
        ? reject(new Error(`a portless registry listens on ports 80 and 443: run as root`))
        : resolve(false),
    );
    server.listen(port, address, () => server.close(() => resolve(true)));
  });

/** A loopback address (127.0.0.2 to 127.0.0.254) whose ports 80 and 443 are free. */
async function freeLoopbackAddress(): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = `127.0.0.${2 + Math.floor(Math.random() * 253)}`;
    if ((await portFree(80, address)) && (await portFree(443, address))) return address;
  }
  throw new Error('no loopback address with free ports 80 and 443 (in 20 tries)');
}

/**
 * https on 443 of `address`, passed on to the registry's http on 80. A process of its own: the
 * tests run docker synchronously, and a pull through a server in the test's own process would
 * wait for it forever.
 */
async function tlsFront(address: string, dir: string): Promise<ChildProcess> {
  const { certFile } = selfSignedTls(dir, address);
  const program = `
    const [tls, net, fs] = [require('node:tls'), require('node:net'), require('node:fs')];
    const [address, key, cert] = process.argv.slice(1);
    tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (client) => {
      const registry = net.connect(80, address);
      for (const socket of [client, registry]) socket.on('error', () => socket.destroy());
      client.pipe(registry).pipe(client);
    }).listen(443, address, () => console.log('listening'));`;
  const child = spawn(
    process.execPath,
    ['-e', program, address, path.join(dir, 'key.pem'), certFile],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`the registry's https front exited with ${code}`)),
    );
  });
  return child;
}

export async function startRegistry(
  auth?: { username: string; password: string },
  { portless = false }: { portless?: boolean } = {},
): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-registry-'));
  const address = portless ? await freeLoopbackAddress() : '127.0.0.1';
  const port = portless ? 80 : await freePort();
  const host = portless ? address : `${address}:${port}`;
  let authConfig = '';
  if (auth) {
    execFileSync('htpasswd', ['-Bbc', path.join(dir, 'htpasswd'), auth.username, auth.password], {
      stdio: 'ignore',
    });
    authConfig = `auth:\n  htpasswd:\n    realm: test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${address}:${port}\n${authConfig}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const base = `http://${host}`;
  const authHeader: Record<string, string> = auth
    ? {
        Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
      }
    : {};
  const head = async (repository: string, tag: string): Promise<Headers> => {
    const response = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_TYPES, ...authHeader },
    });
    if (!response.ok)
      throw new Error(`registry answered ${response.status} for ${repository}:${tag}`);
    return response.headers;
  };
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${base}/v2/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (i === 99) throw new Error('registry did not start within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const front = portless ? await tlsFront(address, dir) : undefined;
  return {
    host,
    pid: child.pid ?? -1,
    async manifestDigest(repository, tag) {
      return (await head(repository, tag)).get('docker-content-digest') ?? '';
    },
    async manifest(repository, reference) {
      const response = await fetch(`${base}/v2/${repository}/manifests/${reference}`, {
        headers: { Accept: MANIFEST_TYPES, ...authHeader },
      });
      if (!response.ok) throw new Error(`registry answered ${response.status} for ${reference}`);
      return response.json();
    },
    async everything(repository, reference) {
      const get = async (kind: 'manifests' | 'blobs', ref: string): Promise<Buffer> => {
        const response = await fetch(`${base}/v2/${repository}/${kind}/${ref}`, {
          headers: { Accept: MANIFEST_TYPES, ...authHeader },
        });
        if (!response.ok) throw new Error(`registry answered ${response.status} for ${ref}`);
        return Buffer.from(await response.arrayBuffer());
      };
      interface Descriptor {
        digest: string;
        mediaType?: string;
      }
      const found: Buffer[] = [];
      const walk = async (ref: string): Promise<void> => {
        const manifest = await get('manifests', ref);
        found.push(manifest);
        const parsed = JSON.parse(manifest.toString('utf8')) as {
          manifests?: Descriptor[];
          config?: Descriptor;
          layers?: Descriptor[];
        };
        for (const child of parsed.manifests ?? []) await walk(child.digest);
        for (const blob of [...(parsed.config ? [parsed.config] : []), ...(parsed.layers ?? [])]) {
          const data = await get('blobs', blob.digest);
          found.push(/gzip/.test(blob.mediaType ?? '') ? zlib.gunzipSync(data) : data);
        }
      };
      await walk(reference);
      return found;
    },
    async servesIndex(repository, tag) {
      return /index|manifest\.list/.test((await head(repository, tag)).get('content-type') ?? '');
    },
    async stop() {
      // A fault test may have killed it already (exitCode stays null after a signal).
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      front?.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
