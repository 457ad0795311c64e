// Pure argv builders: what docker is asked to do, decided apart from running it.
import type { BuildInputs } from '../inputs/index.js';

/** Files docker writes for us to read back. */
export interface BuildFiles {
  iidFile: string;
  metadataFile: string;
}

function commonBuildFlags(build: BuildInputs, labels: string[], iidFile: string): string[] {
  return [
    ...(build.file ? ['--file', build.file] : []),
    '--iidfile',
    iidFile,
    ...(build.pull ? ['--pull'] : []),
    ...(build.noCache ? ['--no-cache'] : []),
    ...(build.target ? ['--target', build.target] : []),
    ...build.buildArgs.flatMap((arg) => ['--build-arg', arg]),
    ...labels.flatMap((label) => ['--label', label]),
    ...build.tags.flatMap((tag) => ['--tag', tag]),
  ];
}

/** Classic builder (no buildx): builds into the local image store; pushing is separate. */
export function classicBuildArgs(
  build: BuildInputs,
  labels: string[],
  files: BuildFiles,
): string[] {
  return ['build', ...commonBuildFlags(build, labels, files.iidFile), build.context];
}

/** Buildx: pushes in the same command and writes the pushed digest to the metadata file. */
export function buildxBuildArgs(build: BuildInputs, labels: string[], files: BuildFiles): string[] {
  // Without push, load the image into the daemon like `docker build` does; a multi-platform
  // result cannot be loaded by the docker driver, so it stays in the build cache.
  const output = build.push ? ['--push'] : build.platforms.length <= 1 ? ['--load'] : [];
  return [
    'buildx',
    'build',
    ...(build.builder ? ['--builder', build.builder] : []),
    ...commonBuildFlags(build, labels, files.iidFile),
    '--metadata-file',
    files.metadataFile,
    ...(build.platforms.length > 0 ? ['--platform', build.platforms.join(',')] : []),
    ...build.cacheFrom.flatMap((cache) => ['--cache-from', cache]),
    ...build.cacheTo.flatMap((cache) => ['--cache-to', cache]),
    ...output,
    build.context,
  ];
}

/** The manifest or index the registry serves for `reference`, as the exact bytes it serves. */
export function rawManifestArgs(reference: string, builder: string): string[] {
  return [
    'buildx',
    'imagetools',
    'inspect',
    ...(builder ? ['--builder', builder] : []),
    '--raw',
    reference,
  ];
}

export function pushArgs(tag: string): string[] {
  return ['push', tag];
}

export function repoDigestsArgs(imageId: string): string[] {
  return ['image', 'inspect', '--format', '{{json .RepoDigests}}', imageId];
}

/** The password goes through stdin, never argv (argv is visible in `ps` and in the log). */
export function loginArgs(registry: string, username: string): string[] {
  return ['login', '--username', username, '--password-stdin', ...(registry ? [registry] : [])];
}

export function logoutArgs(registry: string): string[] {
  return ['logout', ...(registry ? [registry] : [])];
}

/**
 * Environment for `docker buildx build`: the commit time as SOURCE_DATE_EPOCH, which buildx hands
 * to BuildKit (≥ 0.11 stamps the image config and history with it), unless the user set one.
 */
export function buildxEnvironment(
  build: BuildInputs,
  commitTime: Date | undefined,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const userSet =
    env.SOURCE_DATE_EPOCH !== undefined ||
    build.buildArgs.some((arg) => arg.startsWith('SOURCE_DATE_EPOCH='));
  if (!commitTime || userSet) return {};
  return { SOURCE_DATE_EPOCH: String(Math.floor(commitTime.getTime() / 1000)) };
}

/** OCI labels from the run, unless the user set the same key. */
export function defaultLabels(
  userLabels: string[],
  facts: { repositoryUrl: string; sha: string; created: Date },
): string[] {
  const taken = new Set(userLabels.map((label) => label.slice(0, label.indexOf('='))));
  const defaults: [string, string][] = [
    ['org.opencontainers.image.source', facts.repositoryUrl],
    ['org.opencontainers.image.revision', facts.sha],
    ['org.opencontainers.image.created', facts.created.toISOString()],
  ];
  return [
    ...defaults
      .filter(([key, value]) => value && !taken.has(key))
      .map(([key, value]) => `${key}=${value}`),
    ...userLabels,
  ];
}
