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

/** `docker image inspect --format '{{json .RepoDigests}}'` → repository → digests. */
export function parseRepoDigests(json: string): Map<string, string[]> {
  const entries = JSON.parse(json) as unknown;
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
 * Checks the digest `docker push` printed for a tag against the daemon's RepoDigests.
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
