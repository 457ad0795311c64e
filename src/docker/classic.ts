// The classic builder's path: `docker build` into dockerd's store, then `docker push` per tag,
// each digest docker printed checked against the daemon's RepoDigests.
import type { Inputs } from '../inputs/index.js';
import type { Report } from '../report.js';
import { type BuildFiles, classicBuildArgs, pushArgs, repoDigestsArgs } from './args.js';
import { docker, type Echo } from './cli.js';
import { crossCheckDigest, digestFromPushOutput, parseRepoDigests } from './digest.js';
import { parseImageReference, repositoryOf } from './reference.js';
import { elapsedSince, readIfPresent, StageError, withPushRetries } from './steps.js';

/** Classic builder: builds into dockerd's store; the tags are pushed afterwards (pushTags). */
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
 * daemon's RepoDigests. The first tag of each repository uploads the layers, one push at a time
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
  const [pushes, inspected] = await Promise.all([
    Promise.allSettled(others.map((tag) => push(tag, 'after'))),
    docker(repoDigestsArgs(report.build!.imageId), { echo: 'none', capture: true }),
  ]);
  for (const pushed of pushes) if (pushed.status === 'rejected') throw pushed.reason;

  const repoDigests = parseRepoDigests(inspected);
  const digests: Record<string, string> = {};
  for (const tag of tags) {
    const digest = printed.get(tag);
    if (!digest) throw new StageError('push', `docker push ${tag} succeeded but printed no digest`);
    const disagreement = crossCheckDigest(tag, digest, repoDigests);
    if (disagreement) throw new StageError('push', disagreement);
    digests[tag] = digest;
  }
  report.push = {
    digest: digests[tags[0]!]!,
    digests,
    kind: 'manifest',
    platforms: [],
    durationMs: elapsedSince(start),
    tries,
  };
}
