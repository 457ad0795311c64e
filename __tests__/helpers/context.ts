// Build contexts for the tests: images FROM scratch with Debian's static busybox, since no
// base image can be pulled here.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONTAINERD_STORE, REMOTE_BUILDKIT } from './builders.js';

export const BUSYBOX = '/bin/busybox';

export const BUSYBOX_BASE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
`;

/**
 * An app image for deployments: `VERSION` in /version, and a process that stops at once on
 * SIGTERM (a shell trapping it), as a well-behaved service does.
 */
export const VERSIONED_APP = `${BUSYBOX_BASE}ARG VERSION=1\nRUN echo "$VERSION" > /version\nCMD ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]\n`;

/** A temporary build context with busybox and the given Dockerfile. */
export function makeContext(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-context-'));
  fs.copyFileSync(BUSYBOX, path.join(dir, 'busybox'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

export function dockerCli(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** docker on the engine at `host` (a DOCKER_HOST value). */
export function dockerOn(host: string, args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKER_HOST: host },
  });
}

/** A unique repository name per test, so tests sharing the daemon never see each other's tags. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Manifest {
  config?: { digest: string };
  manifests?: { digest: string; platform?: { os: string; architecture: string } }[];
}

/** What a loopback registry serves for `reference` (`127.0.0.1:PORT/repo@digest` or `:tag`), parsed. */
export function servedManifest(reference: string): Manifest {
  const at = reference.includes('@') ? reference.indexOf('@') : reference.lastIndexOf(':');
  const [host, ...repository] = reference.slice(0, at).split('/');
  const url = `http://${host}/v2/${repository.join('/')}/manifests/${reference.slice(at + 1)}`;
  return JSON.parse(
    execFileSync('curl', ['-sSf', '-H', `Accept: ${MANIFEST_TYPES}`, url], { encoding: 'utf8' }),
  ) as Manifest;
}

/** The config digest of the image a loopback registry serves for `reference` (of an index, its linux/amd64 image). */
export function servedConfigDigest(reference: string): string {
  const manifest = servedManifest(reference);
  const image = manifest.manifests?.find(
    (m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64',
  );
  if (!image) return manifest.config?.digest ?? '';
  const repository = reference.includes('@')
    ? reference.split('@')[0]!
    : reference.slice(0, reference.lastIndexOf(':'));
  return servedManifest(`${repository}@${image.digest}`).config?.digest ?? '';
}

/**
 * The image id the action promises for the image it pushed to `reference`, checked against the
 * registry and a pull (which also lets `docker run` find it): what docker shows for it
 * (`docker image inspect .Id`), which on a graph driver store (overlay2) must be its config
 * digest; on the containerd store it is the pushed digest itself. An image the standalone
 * builder pushed was never in docker's store: its id is the config digest.
 */
export function pulledImageId(reference: string): string {
  const config = servedConfigDigest(reference);
  dockerCli(['pull', '--quiet', reference]);
  const id = localImageId(reference);
  if (!CONTAINERD_STORE && id !== config)
    throw new Error(`docker names ${reference} ${id}, but its config digest is ${config}`);
  return REMOTE_BUILDKIT ? config : id;
}

/**
 * What `docker image inspect` shows as the image's id on this engine: the config digest on a graph
 * driver store, the manifest (or index) digest on the containerd store.
 */
export function localImageId(reference: string): string {
  return dockerCli(['image', 'inspect', '--format', '{{.Id}}', reference]).trim();
}
