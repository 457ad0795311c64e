// The build inputs: context, Dockerfile, tags and everything docker build / buildx build takes,
// with docker/build-push-action's names, formats and meanings.
import { isIP } from 'node:net';
import * as path from 'node:path';
import { type BuilderChoice, parseGoBool } from '../docker/builder.js';
import { parseImageReference } from '../docker/reference.js';
import { splitKeyValue } from '../lists.js';
import type { Checker } from './checker.js';
import { type BuildSecret, readSecrets, type SecretEnvironment } from './secrets.js';

/** What the build inputs are checked against besides their own text. */
export interface BuildEnvironment extends SecretEnvironment {
  isDirectory(p: string): boolean;
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
  /** Secrets for RUN --mount=type=secret and Git contexts; never stored in the image. */
  secrets: BuildSecret[];
  ssh: string[];
  buildContexts: string[];
  provenance: string;
  sbom: string;
  attests: string[];
  annotations: string[];
  /** Also load the pushed image into docker (without push, a single platform is always loaded). */
  load: boolean;
  network: string;
  addHosts: string[];
  shmSize: string;
  ulimits: string[];
  cgroupParent: string;
  outputs: string[];
  call: string;
  allow: string[];
  noCacheFilters: string[];
  /** Whether the job summary shows the build (its headline and facts table). */
  summary: boolean;
}

/** Inputs only buildx has; the classic builder rejects them. (`load` is what it does anyway.) */
const BUILDX_ONLY = [
  'platforms',
  'cache-from',
  'cache-to',
  'builder',
  'secrets',
  'secret-files',
  'secret-envs',
  'ssh',
  'build-contexts',
  'provenance',
  'sbom',
  'attests',
  'annotations',
  'outputs',
  'call',
  'allow',
  'no-cache-filters',
] as const;

/** The names `--ulimit` takes (docker/go-units ulimit.go). */
const ULIMITS = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
];
const CALLS = ['build', 'check', 'outline', 'targets'];
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A context docker fetches itself: a Git repository or a tarball URL (docker/cli's urlutil rules). */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git:\/\/|git@|github\.com\/)/.test(context);
}

export function readBuild(c: Checker, env: BuildEnvironment): BuildInputs {
  const context = c.value('context') || '.';
  const remote = isRemoteContext(context);
  if (!remote && !env.isDirectory(context)) {
    c.fail('context', `"${context}" is not a directory (expected the build context path)`);
  }
  // A remote context's `file` is a path inside it, which only the builder can check.
  const file = c.value('file') || (remote ? '' : path.join(context, 'Dockerfile'));
  if (!remote && !env.isFile(file)) {
    c.fail(c.value('file') ? 'file' : 'context', `Dockerfile "${file}" does not exist`);
  }

  const push = c.boolean('push', true);
  const tags = c.list('tags');
  for (const tag of tags) c.attempt('tags', () => parseImageReference(tag));
  if (push && tags.length === 0) c.fail('tags', 'at least one tag is required when push is true');

  const keyValues = (name: string): string[] =>
    c
      .list(name, { commas: false })
      .map(splitKeyValue)
      .flatMap(({ key, value }) => {
        if (value === undefined || !/^[^\s=]+$/.test(key)) {
          c.fail(name, `"${key}" is not KEY=value (one per line)`);
          return [];
        }
        return [`${key}=${value}`];
      });

  const build: BuildInputs = {
    context,
    file,
    builder: c.value('builder'),
    target: c.value('target'),
    tags,
    buildArgs: keyValues('build-args'),
    labels: keyValues('labels'),
    push,
    pull: c.boolean('pull', false),
    noCache: c.boolean('no-cache', false),
    platforms: c.list('platforms'),
    cacheFrom: c.list('cache-from', { commas: false }),
    cacheTo: c.list('cache-to', { commas: false }),
    secrets: [],
    ssh: checkedList(
      c,
      'ssh',
      { commas: true },
      /^[A-Za-z0-9_.-]+(=.+)?$/,
      'default or ID[=socket|key,…]',
    ),
    buildContexts: checkedList(
      c,
      'build-contexts',
      { commas: false },
      /^[^\s=]+=\S+$/,
      'NAME=path, NAME=docker-image://…, NAME=https://… or NAME=target:…',
    ),
    provenance: oneLine(c, 'provenance'),
    sbom: oneLine(c, 'sbom'),
    attests: checkedList(
      c,
      'attests',
      { commas: false },
      /(^|,)type=[a-z]+/,
      'type=sbom|provenance[,…] per line',
    ),
    annotations: checkedList(
      c,
      'annotations',
      { commas: false },
      /^[^=\s]+=/,
      'KEY=value, or TYPE[PLATFORM]:KEY=value, per line',
    ),
    load: c.boolean('load', false),
    network: checkedValue(
      c,
      'network',
      /^[A-Za-z0-9][\w.:-]*$/,
      'default, none, host or a network name',
    ),
    addHosts: readAddHosts(c),
    // docker/go-units RAMInBytes: a number, an optional space, a unit with optional i and b.
    shmSize: checkedValue(
      c,
      'shm-size',
      /^\d+(\.\d+)? ?[kmgtp]?i?b?$/i,
      'a size such as 2g, 512m or 1073741824',
    ),
    ulimits: readUlimits(c),
    cgroupParent: checkedValue(c, 'cgroup-parent', /^[\w./:-]+$/, 'a cgroup path'),
    outputs: c.list('outputs', { commas: false, quotes: false }),
    call: readCall(c, push),
    allow: checkedList(
      c,
      'allow',
      { commas: true },
      /^[a-z]+(\.[a-z]+)?(=\S+)?$/,
      'an entitlement such as network.host or security.insecure',
    ),
    noCacheFilters: checkedList(
      c,
      'no-cache-filters',
      { commas: true },
      STAGE_NAME,
      'a build stage name',
    ),
    summary: readBuildSummary(c, env.variables.DOCKER_BUILD_SUMMARY),
  };
  // The github token is for BuildKit's Git fetches; the classic builder clones with the runner's git.
  const gitContexts =
    env.builder.kind === 'buildx' ? [context, ...build.buildContexts.map(contextValue)] : [];
  build.secrets = readSecrets(c, env, gitContexts);
  if (build.load && build.platforms.length > 1) {
    c.fail(
      'load',
      `docker's image store holds one platform; ${build.platforms.length} are built (load one platform, or drop load)`,
    );
  }
  if (build.target && !STAGE_NAME.test(build.target)) {
    c.fail('target', `"${build.target}" is not a build stage name`);
  }
  if (build.builder && !STAGE_NAME.test(build.builder)) {
    c.fail('builder', `"${build.builder}" is not a buildx builder name`);
  }
  if (env.builder.problem) c.problems.push(env.builder.problem);
  if (env.builder.kind !== 'buildx') {
    for (const name of BUILDX_ONLY) {
      if (c.value(name)) {
        // What the input says matters less than that nothing here can use it.
        c.failOnly(
          name,
          'needs docker buildx, which is not installed on this runner or is turned off by DOCKER_BUILDKIT (use docker/setup-buildx-action, or remove the input)',
        );
      }
    }
  }
  return build;
}

/** The value of a `build-contexts` item, `NAME=value`. */
function contextValue(item: string): string {
  return item.slice(item.indexOf('=') + 1);
}

/** A one-line input, as written. */
function oneLine(c: Checker, name: string): string {
  const value = c.value(name);
  if (/[\r\n]/.test(value)) c.fail(name, 'must be one line');
  return value;
}

/** A single value that must match `pattern`; empty when not set. */
function checkedValue(c: Checker, name: string, pattern: RegExp, expected: string): string {
  const value = c.value(name);
  if (value && !pattern.test(value)) c.fail(name, `"${value}" is not ${expected}`);
  return value;
}

/** A list whose every item must match `pattern`. */
function checkedList(
  c: Checker,
  name: string,
  split: { commas: boolean },
  pattern: RegExp,
  expected: string,
): string[] {
  const items = c.list(name, split);
  for (const item of items) if (!pattern.test(item)) c.fail(name, `"${item}" is not ${expected}`);
  return items;
}

/** `host:ip`, ip being IPv4, IPv6 (not in brackets) or docker's `host-gateway`. */
function readAddHosts(c: Checker): string[] {
  const items = c.list('add-hosts');
  for (const item of items) {
    // docker splits at the first colon: the rest may be an IPv6 address.
    const colon = item.indexOf(':');
    const [host, ip] = [item.slice(0, colon), item.slice(colon + 1)];
    if (colon < 1 || !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) {
      c.fail('add-hosts', `"${item}" is not host:ip`);
    } else if (ip !== 'host-gateway' && !isIP(ip)) {
      c.fail('add-hosts', `"${item}": "${ip}" is not an IP address (or host-gateway)`);
    }
  }
  return items;
}

/** `name=soft[:hard]`, one per line, with the names docker knows; -1 means unlimited. */
function readUlimits(c: Checker): string[] {
  const items = c.list('ulimit', { commas: false });
  for (const item of items) {
    const match = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(item);
    if (!match) {
      c.fail('ulimit', `"${item}" is not name=soft[:hard] (e.g. nofile=1024:2048)`);
    } else if (!ULIMITS.includes(match[1]!)) {
      c.fail(
        'ulimit',
        `"${match[1]}" is not a ulimit name (expected one of ${ULIMITS.join(', ')})`,
      );
    } else if (match[3] !== undefined && Number(match[2]) > Number(match[3]) && match[3] !== '-1') {
      c.fail('ulimit', `"${item}": the soft limit is above the hard limit`);
    }
  }
  return items;
}

/**
 * `build-summary`, else DOCKER_BUILD_SUMMARY as docker/build-push-action reads it (a Go boolean:
 * `false`, `0`, `f` turn it off), else on.
 */
function readBuildSummary(c: Checker, variable: string | undefined): boolean {
  if (c.value('build-summary')) return c.boolean('build-summary', true);
  const fromEnvironment = variable ? parseGoBool(variable) : true;
  if (fromEnvironment === undefined)
    c.problems.push(
      `Environment variable DOCKER_BUILD_SUMMARY: expected a boolean (1, 0, true, false, t, f), got "${variable}"`,
    );
  return fromEnvironment ?? true;
}

/** `--call`: build (the default) or an evaluation that builds no image, so nothing to push. */
function readCall(c: Checker, push: boolean): string {
  const value = c.value('call');
  if (!value) return '';
  const method = value.split(',')[0]!;
  if (!CALLS.includes(method)) {
    c.fail('call', `"${value}" is not one of ${CALLS.join(', ')}`);
  } else if (method !== 'build' && push) {
    c.fail('call', `"${method}" evaluates the build without making an image; set push: false`);
  }
  return value;
}
