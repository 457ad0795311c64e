// The buildx path: one `docker buildx build` builds and pushes, and its metadata file says what
// was pushed. The image id of an index is what BuildKit printed exporting its one image, or read
// back from the registry (several platforms).
import * as core from '@actions/core';
import type { BuildInputs, Inputs } from '../inputs/index.js';
import type { BuildResult, Report } from '../report.js';
import {
  type BuildFiles,
  buildxBuildArgs,
  buildxEnvironment,
  fromCache,
  manifestInspectArgs,
  rawManifestArgs,
} from './args.js';
import { callMethod, checkProblem, checkWarnings } from './check.js';
import { docker, DockerError } from './cli.js';
import {
  type ExportedBlob,
  exportedBlob,
  exportedImage,
  failedWhilePushing,
  storedInDocker,
  unknownFlagProblem,
} from './buildx-output.js';
import {
  type BuildxMetadata,
  configDigestOf,
  imageForPlatform,
  imageManifestsOf,
  imagesFromManifestInspect,
  parseBuildxMetadata,
  type PlatformImage,
  runnerPlatform,
  sha256Digest,
} from './manifest.js';
import { parseImageReference, repositoryOf } from './reference.js';
import { elapsedSince, readIfPresent, StageError, withPushRetries } from './steps.js';
import { warning } from '../log.js';

/** Export lines kept of one build: a few per platform, bounded whatever the build prints. */
const MAX_EXPORT_LINES = 1000;

/** buildx: builds and pushes in one command, then says what it pushed in its metadata file. */
export async function buildWithBuildx(
  inputs: Inputs,
  report: Report,
  files: BuildFiles,
  labels: string[],
  builderName: string,
): Promise<void> {
  const build = inputs.build;
  const env = buildxEnvironment(build, report.github?.commitTime, process.env);
  const start = performance.now();
  /** An evaluation (`call: check`, …) makes no image: what it found is its result. */
  const method = callMethod(build.call);
  /** The build's result, from the metadata file's text (a check's warnings are in it). */
  const recordBuild = (imageId: string, metadataText: string | undefined): BuildResult =>
    (report.build = {
      builder: 'buildx',
      builderName,
      imageId,
      durationMs: elapsedSince(start),
      ...(method && {
        evaluation: {
          call: method,
          warnings: method === 'check' ? (checkWarnings(metadataText) ?? []) : undefined,
        },
      }),
    });
  /** What the last run's export step wrote, as its progress lines say (a few per image). */
  let exported: ExportedBlob[] = [];
  /** The last run put the result into docker's image store. */
  let inDocker = false;
  const noteExport = (line: string): void => {
    const blob = exportedBlob(line);
    if (blob && exported.length < MAX_EXPORT_LINES) exported.push(blob);
    inDocker ||= storedInDocker(line);
  };
  // Every failure but a push's is the build's: buildx builds and pushes in one command.
  const run = async (what: BuildInputs): Promise<void> => {
    exported = [];
    inDocker = false;
    try {
      await docker(buildxBuildArgs(what, labels, files), { env, onLine: noteExport });
    } catch (error) {
      if (!(error instanceof DockerError)) throw error;
      const tooOld = unknownFlagProblem(error.logTail);
      if (tooOld) throw new StageError('build', tooOld, error.logTail);
      if (what.push && failedWhilePushing(error.logTail)) throw error; // withPushRetries decides
      // A check that finds warnings fails the command: the warnings are the failure.
      if (method === 'check') {
        const metadataText = readIfPresent(files.metadataFile);
        const warnings = checkWarnings(metadataText);
        if (warnings?.length) {
          recordBuild('', metadataText);
          throw new StageError('build', checkProblem(warnings), error.logTail);
        }
      }
      throw new StageError('build', error.message, error.logTail);
    }
  };
  let tries = 1;
  if (build.push) {
    // A retry pushes the result again from the cache the first run filled, without rebuilding.
    ({ tries } = await withPushRetries('docker buildx build --push', (retry) =>
      run(retry ? fromCache(build, 'push') : build),
    ));
  } else {
    await run(build);
  }
  const metadataText = readIfPresent(files.metadataFile);
  const metadata = metadataText
    ? parseBuildxMetadata(metadataText)
    : { digest: undefined, configDigest: undefined, isIndex: false };
  const exportedAs =
    metadata.digest && build.platforms.length <= 1
      ? exportedImage(exported, metadata.digest, build.platforms[0] ?? '')
      : undefined;
  recordBuild(
    method ? '' : imageIdOf(metadata, exportedAs, readIfPresent(files.iidFile), inDocker),
    metadataText,
  );
  if (!build.push) {
    if (build.platforms.length > 1 && !inDocker)
      warning(
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
    tries,
  };
  if (metadata.isIndex) {
    if (exportedAs) report.push.platforms = [exportedAs];
    else await readPushedIndex(build, report, !inDocker);
  }
  // Pushed, and loaded into docker as asked: from the same cache, so the same image; docker's id
  // for it is what the load wrote.
  if (build.load) {
    await run(fromCache(build, 'load'));
    if (inDocker && !method) report.build!.imageId = readIfPresent(files.iidFile) ?? '';
  }
}

/**
 * The image id: the id docker gives the image when the build put it into docker's store (what
 * the iidfile holds: the config digest on a graph driver store such as overlay2, the manifest or
 * index digest on the containerd store); otherwise, the image being only in a registry or the
 * build cache, its config digest, which is what a host with a graph driver store shows once it
 * pulls it. Empty for an index of several images until it is read back.
 */
function imageIdOf(
  metadata: BuildxMetadata,
  exportedAs: PlatformImage | undefined,
  iid: string | undefined,
  inDocker: boolean,
): string {
  if (inDocker && iid) return iid;
  // Another BuildKit's iidfile holds the pushed digest when there is no single config.
  return (
    metadata.configDigest ?? exportedAs?.config ?? (iid === metadata.digest ? '' : (iid ?? ''))
  );
}

/**
 * An index of several platforms (or one whose export lines were not printed) has no single image
 * id, and BuildKit's lines do not say which image is which platform's: read it back from the
 * registry, record each platform's manifest and config digest, and take the runner's platform as
 * the image id. The push itself succeeded, so a failed read is only a warning.
 */
async function readPushedIndex(
  build: BuildInputs,
  report: Report,
  /** The index is only in the registry: its runner's image is the image id. */
  namesImage: boolean,
): Promise<void> {
  const repository = repositoryOf(parseImageReference(build.tags[0]!));
  const reference = `${repository}@${report.push!.digest}`;
  try {
    const platforms = await imagesOfIndex(reference).catch((error: unknown) => {
      core.debug(`docker manifest inspect could not read ${reference}: ${String(error)}`);
      return imagesOfIndexByBuildx(reference, build.builder);
    });
    report.push!.platforms = platforms;
    if (namesImage)
      report.build!.imageId = imageForPlatform(platforms, runnerPlatform())?.config ?? '';
  } catch (error) {
    const detail =
      error instanceof DockerError ? `${error.message}: ${error.logTail}` : String(error);
    warning(
      `pushed ${report.push!.digest}, but could not read the index back for ${namesImage ? 'the image id' : 'its platforms'}: ${detail}`,
    );
  }
}

/** One docker process reads every manifest of the index (the fast way). */
async function imagesOfIndex(reference: string): Promise<PlatformImage[]> {
  const json = await docker(manifestInspectArgs(reference), { echo: 'none', capture: true });
  return imagesFromManifestInspect(json);
}

/**
 * The index, then each manifest, through buildx and so through the builder's own registry
 * settings (a registry only buildkitd is told to trust): when docker's own reading fails.
 */
async function imagesOfIndexByBuildx(reference: string, builder: string): Promise<PlatformImage[]> {
  const repository = reference.split('@')[0]!;
  const fetchRaw = async (digest: string): Promise<string> => {
    const raw = await docker(rawManifestArgs(`${repository}@${digest}`, builder), {
      echo: 'none',
      capture: true,
    });
    if (sha256Digest(raw) !== digest)
      throw new Error(`the registry served other content than ${digest} for ${repository}`);
    return raw;
  };
  const index = await fetchRaw(reference.split('@')[1]!);
  return Promise.all(
    imageManifestsOf(index).map(async ({ platform, digest }) => ({
      platform,
      manifest: digest,
      config: configDigestOf(await fetchRaw(digest)) ?? '',
    })),
  );
}
