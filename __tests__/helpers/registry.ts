// A real Distribution registry (Debian's `docker-registry`) on 127.0.0.1, optionally with
// htpasswd auth, started per test file and torn down after.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface Registry {
  /** `127.0.0.1:PORT`, the registry part of a tag. */
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

export async function startRegistry(auth?: {
  username: string;
  password: string;
}): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-registry-'));
  const port = await freePort();
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
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authConfig}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
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
  return {
    host: `127.0.0.1:${port}`,
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
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
