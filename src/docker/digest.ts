// Reading digests back from what docker wrote, in the formats docker really writes them.
import { parseImageReference, repositoryOf } from './reference.js';

/** `v1: digest: sha256:… size: 943`, the last line `docker push` prints for a tag. */
export function digestFromPushOutput(output: string): string | undefined {
  const matches = [...output.matchAll(/: digest: (sha256:[a-f0-9]{64}) size: \d+/g)];
  return matches.at(-1)?.[1];
}

/** Docker's short ("familiar") repository name: `docker.io/library/x` → `x`. */
export function familiarRepository(repository: string): string {
  return repository.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

/** What `docker image inspect --format '{{json .}}'` says of an image. */
export interface StoredImage {
  /** Repository → the digests the engine recorded for it. */
  repoDigests: Map<string, string[]>;
  /**
   * The containerd image store holds it (Docker 29's default on a fresh install): the engine names
   * images by their manifest (or index) digest, and makes RepoDigests up from that digest and the
   * local tags, so they check nothing a registry said.
   */
  containerdStore: boolean;
}

/** Only the containerd store describes an image's manifest (`Descriptor`, API 1.48 on). */
export function parseStoredImage(json: string): StoredImage {
  const image = JSON.parse(json) as { RepoDigests?: unknown; Descriptor?: unknown };
  return {
    repoDigests: parseRepoDigests(image.RepoDigests),
    containerdStore: typeof image.Descriptor === 'object' && image.Descriptor !== null,
  };
}

/** RepoDigests (`repository@digest`, …) → repository → digests. */
export function parseRepoDigests(entries: unknown): Map<string, string[]> {
  const byRepository = new Map<string, string[]>();
  if (!Array.isArray(entries)) return byRepository;
  for (const entry of entries) {
    const [repository = '', digest = ''] = String(entry).split('@');
    const key = familiarRepository(repository);
    byRepository.set(key, [...(byRepository.get(key) ?? []), digest]);
  }
  return byRepository;
}

/**
 * Checks the digest `docker push` printed for a tag against the daemon's RepoDigests (what the
 * registry answered the push, on a graph driver store).
 * Returns a problem description, or undefined when they agree.
 */
export function crossCheckDigest(
  tag: string,
  pushed: string,
  repoDigests: Map<string, string[]>,
): string | undefined {
  const repository = familiarRepository(repositoryOf(parseImageReference(tag)));
  const recorded = repoDigests.get(repository) ?? [];
  if (recorded.includes(pushed)) return undefined;
  return recorded.length === 0
    ? `docker push printed ${pushed} for ${tag}, but docker image inspect records no digest for ${repository}`
    : `docker push printed ${pushed} for ${tag}, but docker image inspect records ${recorded.join(', ')}`;
}

/**
 * Checks the digest `docker push` printed for a tag against the one the registry serves for it.
 * Returns a problem description, or undefined when they agree.
 */
export function crossCheckServed(tag: string, pushed: string, served: string): string | undefined {
  return pushed === served
    ? undefined
    : `docker push printed ${pushed} for ${tag}, but the registry serves ${served} for it`;
}
