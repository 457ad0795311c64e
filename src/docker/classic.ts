// The classic builder's path: `docker build` into dockerd's store, then `docker push` per tag,
// each digest docker printed checked against what the registry said: the daemon's RepoDigests on
// a graph driver store (overlay2), the registry read back on the containerd store.
import type { Inputs } from '../inputs/index.js';
import type { Report } from '../report.js';
import {
  type BuildFiles,
  classicBuildArgs,
  imageInspectArgs,
  manifestInspectArgs,
  pushArgs,
} from './args.js';
import { docker, DockerError, type Echo } from './cli.js';
import { warning } from '../log.js';
import {
  crossCheckDigest,
  crossCheckServed,
  digestFromPushOutput,
  parseStoredImage,
  type StoredImage,
} from './digest.js';
import { imagesFromManifestInspect } from './manifest.js';
import { parseImageReference, repositoryOf } from './reference.js';
import { elapsedSince, readIfPresent, StageError, withPushRetries } from './steps.js';

async function inspectImage(id: string): Promise<StoredImage> {
  return parseStoredImage(await docker(imageInspectArgs(id), { echo: 'none', capture: true }));
}

/**
 * Classic builder: builds into dockerd's store; the tags are pushed afterwards (pushTags). The
 * iidfile holds the id docker gives the image: its config digest on a graph driver store
 * (overlay2), its manifest digest on the containerd store.
 */
export async function buildClassic(
  inputs: Inputs,
  report: Report,
  files: BuildFiles,
  labels: string[],
): Promise<void> {
  const start = performance.now();
  await docker(classicBuildArgs(inputs.build, labels, files));
  report.build = {
    builder: 'docker',
    builderName: '',
    imageId: readIfPresent(files.iidFile) ?? '',
    durationMs: elapsedSince(start),
  };
}

/** The first tag of each repository, and the others. */
function splitFirstTags(tags: string[]): { firsts: string[]; others: string[] } {
  const seen = new Set<string>();
  const firsts: string[] = [];
  const others: string[] = [];
  for (const tag of tags) {
    const repository = repositoryOf(parseImageReference(tag));
    (seen.has(repository) ? others : firsts).push(tag);
    seen.add(repository);
  }
  return { firsts, others };
}

/**
 * Classic path: push every tag, read the digests docker printed, cross-check them with the
 * daemon's RepoDigests, or on the containerd store with what the registry serves for each tag
 * (which also gives the config digest, the image id). The first tag of each repository uploads the layers, one push at a time
 * (two pushes uploading the same new layers at once can fail with "blob unknown to registry",
 * as the benchmark's cold build showed). The other tags only add a manifest, so they go side by
 * side, while RepoDigests (complete once every repository has been pushed) is read.
 */
export async function pushTags(tags: string[], report: Report): Promise<void> {
  const start = performance.now();
  const { firsts, others } = splitFirstTags(tags);
  const printed = new Map<string, string>();
  let tries = 1;
  const push = async (tag: string, echo: Echo): Promise<void> => {
    // The digest is on the last line docker prints for the tag; a retry prints it again.
    const onLine = (line: string): void => {
      const digest = digestFromPushOutput(line);
      if (digest) printed.set(tag, digest);
    };
    const pushed = await withPushRetries(`docker push ${tag}`, () =>
      docker(pushArgs(tag), { echo, onLine }),
    );
    tries = Math.max(tries, pushed.tries);
  };
  for (const tag of firsts) await push(tag, 'stream');
  const [pushes, stored] = await Promise.all([
    Promise.allSettled(others.map((tag) => push(tag, 'after'))),
    inspectImage(report.build!.imageId),
  ]);
  for (const pushed of pushes) if (pushed.status === 'rejected') throw pushed.reason;

  const digests: Record<string, string> = {};
  for (const tag of tags) {
    const digest = printed.get(tag);
    if (!digest) throw new StageError('push', `docker push ${tag} succeeded but printed no digest`);
    digests[tag] = digest;
  }
  const disagreements = stored.containerdStore
    ? await checkServed(tags, digests)
    : tags.map((tag) => crossCheckDigest(tag, digests[tag]!, stored.repoDigests));
  const disagreement = disagreements.find(Boolean);
  if (disagreement) throw new StageError('push', disagreement);
  report.push = {
    digest: digests[tags[0]!]!,
    digests,
    kind: 'manifest',
    platforms: [],
    durationMs: elapsedSince(start),
    tries,
  };
}

/**
 * The containerd store's check: what the registry serves for each tag, read back side by side,
 * must be the digest docker printed. A registry that cannot be read back right after taking the
 * push leaves the push as docker reported it, unchecked, with a warning.
 */
async function checkServed(
  tags: string[],
  printed: Record<string, string>,
): Promise<(string | undefined)[]> {
  return Promise.all(
    tags.map(async (tag) => {
      let json: string;
      try {
        json = await docker(manifestInspectArgs(tag), { echo: 'none', capture: true });
      } catch (error) {
        if (!(error instanceof DockerError)) throw error;
        warning(
          `pushed ${tag} (${printed[tag]}), but could not read it back from the registry to check it: ${error.message}: ${error.logTail}`,
        );
        return undefined;
      }
      const [image] = imagesFromManifestInspect(json);
      if (!image) return `the registry serves no image for ${tag}`;
      return crossCheckServed(tag, printed[tag]!, image.manifest);
    }),
  );
}
