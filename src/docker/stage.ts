// The build half: log in, build, push, read the digest, log out. Records what happened in the
// report; a failure is recorded too (with docker's last lines) and ends the build half.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildInputs, Inputs } from '../inputs/index.js';
import type { BuilderChoice } from './builder.js';
import type { Report, Stage } from '../report.js';
import {
  type BuildFiles,
  buildxBuildArgs,
  buildxEnvironment,
  classicBuildArgs,
  defaultLabels,
  loginArgs,
  logoutArgs,
  pushArgs,
  rawManifestArgs,
  repoDigestsArgs,
} from './args.js';
import { docker, DockerError } from './cli.js';
import { parseImageReference, repositoryOf } from './reference.js';
import { crossCheckDigest, digestFromPushOutput, parseRepoDigests } from './digest.js';
import {
  configDigestOf,
  failedWhilePushing,
  imageForPlatform,
  imageManifestsOf,
  parseBuildxMetadata,
  runnerPlatform,
  sha256Digest,
} from './manifest.js';

class StageError extends Error {
  constructor(
    readonly stage: Stage,
    message: string,
    readonly logTail = '',
  ) {
    super(message);
  }
}

/** Runs `step` as `stage`, turning a docker failure into a StageError for that stage. */
async function inStage<T>(stage: Stage, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StageError) throw error;
    if (error instanceof DockerError) throw new StageError(stage, error.message, error.logTail);
    throw new StageError(stage, (error as Error).message);
  }
}

function elapsedSince(start: number): number {
  return performance.now() - start;
}

function readIfPresent(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

/** Classic builder: builds into dockerd's store; the tags are pushed afterwards (pushTags). */
async function buildClassic(
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

/** buildx: builds and pushes in one command, then says what it pushed in its metadata file. */
async function buildWithBuildx(
  inputs: Inputs,
  report: Report,
  files: BuildFiles,
  labels: string[],
  builderName: string,
): Promise<void> {
  const build = inputs.build;
  const start = performance.now();
  try {
    await docker(buildxBuildArgs(build, labels, files), {
      env: buildxEnvironment(build, report.github?.commitTime, process.env),
    });
  } catch (error) {
    // buildx pushes inside the build: a registry that fails is a push failure, not a build one.
    if (build.push && error instanceof DockerError && failedWhilePushing(error.logTail))
      throw new StageError('push', error.message, error.logTail);
    throw error;
  }
  const metadataText = readIfPresent(files.metadataFile);
  const metadata = metadataText
    ? parseBuildxMetadata(metadataText)
    : { digest: undefined, configDigest: undefined, isIndex: false };
  // The iidfile holds the config digest for a single image, the index digest for an index.
  const iid = readIfPresent(files.iidFile) ?? '';
  report.build = {
    builder: 'buildx',
    builderName,
    imageId: metadata.configDigest ?? (metadata.isIndex ? '' : iid),
    durationMs: elapsedSince(start),
  };
  if (!build.push) {
    if (build.platforms.length > 1)
      core.warning(
        `${build.platforms.length} platforms were built without push: the result is only in the build cache (no image to load into docker, no image id)`,
      );
    return;
  }

  if (!metadata.digest)
    throw new StageError(
      'push',
      'buildx pushed the image but its metadata file has no containerimage.digest',
    );
  report.push = {
    digest: metadata.digest,
    digests: Object.fromEntries(build.tags.map((tag) => [tag, metadata.digest!])),
    kind: metadata.isIndex ? 'index' : 'manifest',
    platforms: [],
    durationMs: undefined,
  };
  if (metadata.isIndex) await readPushedIndex(build, report);
}

/**
 * An index (several platforms, or BuildKit's attestations) has no single image id: read it back
 * from the registry, record each platform's manifest and config digest, and take the runner's
 * platform as the image id. The push itself succeeded, so a failed read is only a warning.
 */
async function readPushedIndex(build: BuildInputs, report: Report): Promise<void> {
  const repository = repositoryOf(parseImageReference(build.tags[0]!));
  const fetchRaw = async (digest: string): Promise<string> => {
    const raw = await docker(rawManifestArgs(`${repository}@${digest}`, build.builder), {
      echo: 'none',
      stdoutOnly: true,
    });
    if (sha256Digest(raw) !== digest)
      throw new Error(`the registry served other content than ${digest} for ${repository}`);
    return raw;
  };
  try {
    const index = await fetchRaw(report.push!.digest);
    const platforms = await Promise.all(
      imageManifestsOf(index).map(async ({ platform, digest }) => ({
        platform,
        manifest: digest,
        config: configDigestOf(await fetchRaw(digest)) ?? '',
      })),
    );
    report.push!.platforms = platforms;
    report.build!.imageId = imageForPlatform(platforms, runnerPlatform())?.config ?? '';
  } catch (error) {
    const detail =
      error instanceof DockerError ? `${error.message}: ${error.logTail}` : String(error);
    core.warning(
      `pushed ${report.push!.digest}, but could not read the index back for the image id: ${detail}`,
    );
  }
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
async function pushTags(tags: string[], report: Report): Promise<void> {
  const start = performance.now();
  const { firsts, others } = splitFirstTags(tags);
  const outputs = new Map<string, string>();
  for (const tag of firsts) outputs.set(tag, await docker(pushArgs(tag)));
  const [pushes, inspected] = await Promise.all([
    Promise.allSettled(others.map((tag) => docker(pushArgs(tag), { echo: 'after' }))),
    docker(repoDigestsArgs(report.build!.imageId), { echo: 'none' }),
  ]);
  for (const [i, push] of pushes.entries()) {
    if (push.status === 'rejected') throw push.reason;
    outputs.set(others[i]!, push.value);
  }

  const repoDigests = parseRepoDigests(inspected);
  const digests: Record<string, string> = {};
  for (const tag of tags) {
    const digest = digestFromPushOutput(outputs.get(tag)!);
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
  };
}

/** Login, build, push, logout. Never throws: a failure is recorded in `report.failure`. */
export async function buildAndPush(
  inputs: Inputs,
  report: Report,
  builder: BuilderChoice,
): Promise<void> {
  const workDir = fs.mkdtempSync(
    path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'build-push-notify-'),
  );
  const files = {
    iidFile: path.join(workDir, 'iid'),
    metadataFile: path.join(workDir, 'metadata.json'),
  };
  const login = inputs.login;
  let loggedIn = false;
  try {
    if (login) {
      await inStage('login', () =>
        docker(loginArgs(login.registry, login.username), { input: Buffer.from(login.password) }),
      );
      loggedIn = true;
    }
    const facts = report.github;
    const labels = defaultLabels(inputs.build.labels, {
      repositoryUrl: facts?.repositoryUrl ?? '',
      sha: facts?.sha ?? '',
      created: facts?.commitTime ?? report.startedAt,
    });
    await inStage('build', () =>
      builder.kind === 'buildx'
        ? buildWithBuildx(inputs, report, files, labels, inputs.build.builder || builder.name)
        : buildClassic(inputs, report, files, labels),
    );
    if (inputs.build.push && !report.push)
      await inStage('push', () => pushTags(inputs.build.tags, report));
  } catch (error) {
    const failure = error as StageError;
    report.failure = { stage: failure.stage, message: failure.message, logTail: failure.logTail };
  } finally {
    if (loggedIn) {
      await docker(logoutArgs(login!.registry)).catch((error: Error) =>
        core.warning(
          `docker logout failed, credentials may remain in the Docker config: ${error.message}`,
        ),
      );
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
