// Reading what a buildx push produced: the metadata file buildx writes, and the image index and
// manifests as the registry serves them (`docker manifest inspect --verbose`, or
// `docker buildx imagetools inspect --raw`). Pure.
import { createHash } from 'node:crypto';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** What `docker buildx build --metadata-file` says it pushed. */
export interface BuildxMetadata {
  /** The pushed manifest or index digest (`containerimage.digest`). */
  digest: string | undefined;
  /** The image config digest, present only when a single manifest was pushed. */
  configDigest: string | undefined;
  /** True when the pushed digest is an image index (several platforms, or attestations). */
  isIndex: boolean;
}

/** One image of a pushed index: its platform, manifest digest and config digest (the image id). */
export interface PlatformImage {
  platform: string;
  manifest: string;
  config: string;
}

interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  platform?: Platform;
  annotations?: Record<string, string>;
}

function digestOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && DIGEST.test(value) ? value : undefined;
}

export function parseBuildxMetadata(json: string): BuildxMetadata {
  const metadata = JSON.parse(json) as Record<string, unknown>;
  const descriptor = (metadata['containerimage.descriptor'] ?? {}) as Descriptor;
  return {
    digest: digestOrUndefined(metadata['containerimage.digest']),
    configDigest: digestOrUndefined(metadata['containerimage.config.digest']),
    isIndex: INDEX_TYPES.has(descriptor.mediaType ?? ''),
  };
}

/** The digest of bytes as a registry computes it. */
export function sha256Digest(raw: string | Buffer): string {
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * The image manifests an index lists. BuildKit adds an attestation manifest per image (marked
 * `vnd.docker.reference.type: attestation-manifest`, platform unknown/unknown); those are not images.
 */
export function imageManifestsOf(rawIndex: string): { platform: string; digest: string }[] {
  const index = JSON.parse(rawIndex) as { manifests?: Descriptor[] };
  return (index.manifests ?? [])
    .filter(
      (entry) =>
        entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' &&
        entry.platform?.os !== 'unknown',
    )
    .flatMap((entry) => {
      const digest = digestOrUndefined(entry.digest);
      return digest ? [{ platform: formatPlatform(entry.platform ?? {}), digest }] : [];
    });
}

/**
 * The images `docker manifest inspect --verbose` read from the registry: one entry per manifest of
 * an index (a list), or the one manifest a reference names (an object), each with its descriptor
 * and the bytes the registry served (base64), checked against the digest. BuildKit's attestation
 * manifests (platform unknown/unknown) are not images. Throws when the output is neither or a
 * manifest's bytes do not match its digest.
 */
export function imagesFromManifestInspect(json: string): PlatformImage[] {
  const parsed = JSON.parse(json) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('not a manifest inspection');
  const entries = (Array.isArray(parsed) ? parsed : [parsed]) as {
    Descriptor?: Descriptor;
    Raw?: string;
  }[];
  return entries.flatMap((entry) => {
    const digest = digestOrUndefined(entry.Descriptor?.digest);
    const raw = Buffer.from(entry.Raw ?? '', 'base64');
    if (!digest || sha256Digest(raw) !== digest)
      throw new Error(`the registry served other content than ${digest ?? 'a manifest'}`);
    const platform = entry.Descriptor?.platform ?? {};
    if (platform.os === 'unknown') return [];
    return [
      {
        platform: formatPlatform(platform),
        manifest: digest,
        config: configDigestOf(raw.toString('utf8')) ?? '',
      },
    ];
  });
}

/**
 * The config digest an image manifest names: the image id `docker image inspect` shows on a graph
 * driver store (overlay2); the containerd store shows the manifest's own digest instead.
 */
export function configDigestOf(rawManifest: string): string | undefined {
  const manifest = JSON.parse(rawManifest) as { config?: Descriptor };
  return digestOrUndefined(manifest.config?.digest);
}

const GO_ARCH: Partial<Record<NodeJS.Architecture, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The OCI platform of the machine the step runs on, e.g. `linux/amd64`. */
export function runnerPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: NodeJS.Architecture = process.arch,
): string {
  const os = platform === 'win32' ? 'windows' : platform;
  return `${os}/${GO_ARCH[arch] ?? arch}`;
}

/** The image for the runner's platform (any variant), else the first one. */
export function imageForPlatform(
  images: PlatformImage[],
  runner: string,
): PlatformImage | undefined {
  return (
    images.find((image) => image.platform === runner || image.platform.startsWith(`${runner}/`)) ??
    images[0]
  );
}
