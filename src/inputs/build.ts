// The build inputs: context, Dockerfile, tags and everything docker build / buildx build takes.
import * as path from 'node:path';
import type { BuilderChoice } from '../docker/builder.js';
import { parseImageReference } from '../docker/reference.js';
import { splitKeyValueLines, splitList } from '../lists.js';
import type { Checker } from './checker.js';

/** What the build inputs are checked against besides their own text. */
export interface BuildEnvironment {
  isDirectory(p: string): boolean;
  isFile(p: string): boolean;
  builder: BuilderChoice;
}

export interface BuildInputs {
  /** A local folder, or a Git or tarball URL that the builder fetches itself. */
  context: string;
  /** Empty for a remote context without `file`: docker reads the context's own Dockerfile. */
  file: string;
  /** buildx builder instance; empty for BUILDX_BUILDER or the current builder. */
  builder: string;
  target: string;
  tags: string[];
  buildArgs: string[];
  labels: string[];
  push: boolean;
  pull: boolean;
  noCache: boolean;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
}

const BUILDX_ONLY = ['platforms', 'cache-from', 'cache-to', 'builder'] as const;

/** A context docker fetches itself: a Git repository or a tarball URL (docker/cli's urlutil rules). */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git:\/\/|git@|github\.com\/)/.test(context);
}

export function readBuild(c: Checker, env: BuildEnvironment): BuildInputs {
  const context = c.raw('context') || '.';
  const remote = isRemoteContext(context);
  if (!remote && !env.isDirectory(context)) {
    c.fail('context', `"${context}" is not a directory (expected the build context path)`);
  }
  // A remote context's `file` is a path inside it, which only the builder can check.
  const file = c.raw('file') || (remote ? '' : path.join(context, 'Dockerfile'));
  if (!remote && !env.isFile(file)) {
    c.fail(c.raw('file') ? 'file' : 'context', `Dockerfile "${file}" does not exist`);
  }

  const push = c.boolean('push', true);
  const tags = splitList(c.text('tags'));
  for (const tag of tags) c.attempt('tags', () => parseImageReference(tag));
  if (push && tags.length === 0) c.fail('tags', 'at least one tag is required when push is true');

  const keyValues = (name: string): string[] =>
    splitKeyValueLines(c.text(name)).flatMap(({ key, value }) => {
      if (value === undefined || !/^[^\s=]+$/.test(key)) {
        c.fail(name, `"${key}" is not KEY=value (one per line)`);
        return [];
      }
      return [`${key}=${value}`];
    });

  const build: BuildInputs = {
    context,
    file,
    builder: c.raw('builder'),
    target: c.raw('target'),
    tags,
    buildArgs: keyValues('build-args'),
    labels: keyValues('labels'),
    push,
    pull: c.boolean('pull', false),
    noCache: c.boolean('no-cache', false),
    platforms: splitList(c.text('platforms')),
    cacheFrom: splitList(c.text('cache-from'), { commas: false }),
    cacheTo: splitList(c.text('cache-to'), { commas: false }),
  };
  if (build.target && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(build.target)) {
    c.fail('target', `"${build.target}" is not a build stage name`);
  }
  if (build.builder && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(build.builder)) {
    c.fail('builder', `"${build.builder}" is not a buildx builder name`);
  }
  if (env.builder.problem) c.problems.push(env.builder.problem);
  if (env.builder.kind !== 'buildx') {
    for (const name of BUILDX_ONLY) {
      if (c.raw(name)) {
        c.fail(
          name,
          'needs docker buildx, which is not installed on this runner or is turned off by DOCKER_BUILDKIT (use docker/setup-buildx-action, or remove the input)',
        );
      }
    }
  }
  return build;
}
