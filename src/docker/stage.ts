// The build half: log in, build, push, read the digest, log out. Records what happened in the
// report; a failure is recorded too (with docker's last lines) and ends the build half.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Inputs } from '../inputs.js';
import type { Report, Stage } from '../report.js';
import {
  type BuildFiles,
  buildxBuildArgs,
  classicBuildArgs,
  defaultLabels,
  loginArgs,
  logoutArgs,
  pushArgs,
  repoDigestsArgs,
} from './args.js';
import { docker, DockerError } from './cli.js';
import { parseImageReference, repositoryOf } from './reference.js';
import {
  crossCheckDigest,
  digestFromBuildxMetadata,
  digestFromPushOutput,
  parseRepoDigests,
} from './digest.js';

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

async function build(
  inputs: Inputs,
  report: Report,
  files: BuildFiles,
  buildx: boolean,
): Promise<void> {
  const facts = report.github;
  const labels = defaultLabels(inputs.build.labels, {
    repositoryUrl: facts?.repositoryUrl ?? '',
    sha: facts?.sha ?? '',
    created: facts?.commitTime ?? report.startedAt,
  });
  const args = buildx
    ? buildxBuildArgs(inputs.build, labels, files)
    : classicBuildArgs(inputs.build, labels, files);
  const start = performance.now();
  await docker(args);
  const imageId = fs.readFileSync(files.iidFile, 'utf8').trim();
  report.build = {
    builder: buildx ? 'buildx' : 'docker',
    imageId,
    durationMs: elapsedSince(start),
  };

  if (buildx && inputs.build.push) {
    const digest = digestFromBuildxMetadata(fs.readFileSync(files.metadataFile, 'utf8'));
    if (!digest)
      throw new StageError(
        'push',
        'buildx pushed the image but its metadata file has no containerimage.digest',
      );
    report.push = {
      digest,
      digests: Object.fromEntries(inputs.build.tags.map((tag) => [tag, digest])),
      durationMs: undefined,
    };
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
  report.push = { digest: digests[tags[0]!]!, digests, durationMs: elapsedSince(start) };
}

/** Login, build, push, logout. Never throws: a failure is recorded in `report.failure`. */
export async function buildAndPush(inputs: Inputs, report: Report, buildx: boolean): Promise<void> {
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
    await inStage('build', () => build(inputs, report, files, buildx));
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
