// Pure argv builders: what docker is asked to do, decided apart from running it.
import type { BuildInputs } from '../inputs/index.js';
import type { BuildSecret } from '../inputs/secrets.js';
import { parseImageReference } from './reference.js';

/** Files docker writes for us to read back, and the files the secret values were written to. */
export interface BuildFiles {
  iidFile: string;
  metadataFile: string;
  /** Secret id → the file its value (from `secrets` or the github token) was written to. */
  secretFiles: Record<string, string>;
}

/** A field of docker's CSV-style flag values (`--secret id=…,src=…`), quoted when it must be. */
function csvField(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Flags each pair of a list gives: `flag item` for every item. */
function repeated(flag: string, items: string[]): string[] {
  return items.flatMap((item) => [flag, item]);
}

function optional(flag: string, value: string): string[] {
  return value ? [flag, value] : [];
}

/** A local or tar export (`type=local`, `type=tar`, or a bare path) has no image to name. */
function exportsFiles(build: BuildInputs): boolean {
  return build.outputs.some(
    (output) => !/(^|,)type=/.test(output) || /(^|,)type=(local|tar)\b/.test(output),
  );
}

/** Flags both builders have. */
function commonBuildFlags(build: BuildInputs, labels: string[], iidFile: string): string[] {
  return [
    ...optional('--file', build.file),
    // buildx refuses an image id file next to a local or tar export.
    ...(exportsFiles(build) ? [] : ['--iidfile', iidFile]),
    ...(build.pull ? ['--pull'] : []),
    ...(build.noCache ? ['--no-cache'] : []),
    ...optional('--target', build.target),
    ...repeated('--build-arg', build.buildArgs),
    ...repeated('--label', labels),
    ...repeated('--tag', build.tags),
    ...optional('--network', build.network),
    ...repeated('--add-host', build.addHosts),
    ...optional('--shm-size', build.shmSize),
    ...repeated('--ulimit', build.ulimits),
    ...optional('--cgroup-parent', build.cgroupParent),
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

/**
 * `--secret` flags. Values are never on the command line: a value secret names the file it was
 * written to, a file secret its file, an environment secret its variable.
 */
export function secretFlags(secrets: BuildSecret[], valueFiles: Record<string, string>): string[] {
  return secrets.flatMap((secret) => {
    const source =
      'value' in secret
        ? `src=${valueFiles[secret.id]}`
        : 'file' in secret
          ? `src=${secret.file}`
          : `env=${secret.variable}`;
    return ['--secret', `${csvField(`id=${secret.id}`)},${csvField(source)}`];
  });
}

/**
 * Where the result goes. Push, or the user's outputs; without either, a single-platform image is
 * loaded into docker like `docker build` does (several platforms cannot be loaded, so they stay in
 * the build cache). An evaluation (`call` other than build) makes no image.
 */
function outputFlags(build: BuildInputs): string[] {
  if (build.call && !build.call.startsWith('build')) return [];
  const load =
    build.load || (!build.push && build.outputs.length === 0 && build.platforms.length <= 1);
  return [
    ...repeated('--output', build.outputs),
    ...(build.push ? ['--push'] : load ? ['--load'] : []),
  ];
}

/** `attests` without the types `provenance` and `sbom` set, which win (as in build-push-action). */
function attestsBesides(build: BuildInputs): string[] {
  const set = [...(build.provenance ? ['provenance'] : []), ...(build.sbom ? ['sbom'] : [])];
  return build.attests.filter(
    (attest) => !set.some((type) => new RegExp(`(^|,)type=${type}\\b`).test(attest)),
  );
}

/** Buildx: pushes in the same command and writes the pushed digest to the metadata file. */
export function buildxBuildArgs(build: BuildInputs, labels: string[], files: BuildFiles): string[] {
  return [
    'buildx',
    'build',
    ...optional('--builder', build.builder),
    ...commonBuildFlags(build, labels, files.iidFile),
    '--metadata-file',
    files.metadataFile,
    ...(build.platforms.length > 0 ? ['--platform', build.platforms.join(',')] : []),
    ...repeated('--cache-from', build.cacheFrom),
    ...repeated('--cache-to', build.cacheTo),
    ...secretFlags(build.secrets, files.secretFiles),
    ...repeated('--ssh', build.ssh),
    ...repeated('--build-context', build.buildContexts),
    ...optional('--provenance', build.provenance),
    ...optional('--sbom', build.sbom),
    ...repeated('--attest', attestsBesides(build)),
    ...repeated('--annotation', build.annotations),
    ...repeated('--allow', build.allow),
    ...repeated('--no-cache-filter', build.noCacheFilters),
    ...optional('--call', build.call),
    ...outputFlags(build),
    build.context,
  ];
}

/**
 * The same build again, taken from the cache the first run filled, sent to `output`: to push
 * again after a transient registry error, or to load what was pushed (buildx before 0.13 cannot
 * push and load in one command). `no-cache`, `no-cache-filters` and `pull` would rebuild steps
 * and could give another image, so they are dropped.
 */
export function fromCache(build: BuildInputs, output: 'push' | 'load'): BuildInputs {
  return {
    ...build,
    noCache: false,
    noCacheFilters: [],
    pull: false,
    push: output === 'push',
    load: output === 'load',
    outputs: output === 'push' ? build.outputs : [],
  };
}

/**
 * The manifest a reference names, or every image manifest of an index, with the exact bytes the
 * registry serves for each, in one docker process (`docker manifest inspect --verbose`). docker trusts plain http only for a
 * registry on the loopback address, as dockerd does by default: `--insecure` is given for that
 * alone (elsewhere it would also accept any certificate).
 */
export function manifestInspectArgs(reference: string): string[] {
  const { domain } = parseImageReference(reference.split('@')[0]!);
  const host = domain.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  return ['manifest', 'inspect', '--verbose', ...(loopback ? ['--insecure'] : []), reference];
}

/** The manifest or index the registry serves for `reference`, as the exact bytes it serves. */
export function rawManifestArgs(reference: string, builder: string): string[] {
  return ['buildx', 'imagetools', 'inspect', ...optional('--builder', builder), '--raw', reference];
}

export function pushArgs(tag: string): string[] {
  return ['push', tag];
}

/** The engine's record of an image, as JSON (its RepoDigests, and which store holds it). */
export function imageInspectArgs(imageId: string): string[] {
  return ['image', 'inspect', '--format', '{{json .}}', imageId];
}

/** The password goes through stdin, never argv (argv is visible in `ps` and in the log). */
export function loginArgs(registry: string, username: string): string[] {
  return ['login', '--username', username, '--password-stdin', ...(registry ? [registry] : [])];
}

/**
 * Environment for `docker buildx build`, each unless the user set it: the commit time as
 * SOURCE_DATE_EPOCH, which buildx hands to BuildKit (≥ 0.11 stamps the image config and history
 * with it); and BUILDX_METADATA_PROVENANCE=disabled, since the step reads no provenance from the
 * metadata file and buildx would fetch it from BuildKit for every build with an attestation
 * (measured in `npm run bench`: see BENCHMARKS.md).
 */
export function buildxEnvironment(
  build: BuildInputs,
  commitTime: Date | undefined,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const userSetEpoch =
    env.SOURCE_DATE_EPOCH !== undefined ||
    build.buildArgs.some((arg) => arg.startsWith('SOURCE_DATE_EPOCH='));
  return {
    ...(env.BUILDX_METADATA_PROVENANCE === undefined && { BUILDX_METADATA_PROVENANCE: 'disabled' }),
    ...(commitTime &&
      !userSetEpoch && { SOURCE_DATE_EPOCH: String(Math.floor(commitTime.getTime() / 1000)) }),
  };
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
