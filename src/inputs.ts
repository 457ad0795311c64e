// Reads every input once, validates it, and returns one typed object. Pure given its reader and
// environment, so tests drive it without a runner. Every problem names the input and what is
// expected; all problems are reported together, before any docker command or network call.
import * as path from 'node:path';
import type { BuilderChoice } from './docker/builder.js';
import { parseImageReference, repositoryOf } from './docker/reference.js';
import { splitKeyValueLines, splitList } from './lists.js';
import { type Address, parseAddress, parseAddressList } from './notify/address.js';
import { unknownPlaceholders, PLACEHOLDERS } from './notify/placeholders.js';

export type InputReader = (name: string) => string;

/** What the inputs are checked against besides their own text. */
export interface InputEnvironment {
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

export interface LoginInputs {
  /** Empty for Docker Hub. */
  registry: string;
  username: string;
  password: string;
}

export type NotifyOn = 'always' | 'success' | 'failure' | 'never';

export interface MailInputs {
  /** Empty when the workflow has no secret (fork pull requests): the email is skipped. */
  token: string;
  to: Address[];
  from: Address;
  cc: Address[];
  bcc: Address[];
  replyTo: Address | undefined;
  subject: string;
  text: string;
  html: string;
  templateId: string;
  templateData: Record<string, unknown>;
  notifyOn: NotifyOn;
  individual: boolean;
  apiUrl: string;
  sandbox: boolean;
  failOnError: boolean;
  timeoutSeconds: number;
}

export interface DeployInputs {
  urls: string[];
  /** Empty when the workflow has no secret: the deployment is skipped. */
  token: string;
  /** Repositories to update; empty means "the pushed repositories". */
  images: string[];
  timeoutSeconds: number;
  failOnError: boolean;
}

export interface Inputs {
  build: BuildInputs;
  login: LoginInputs | undefined;
  mail: MailInputs | undefined;
  deploy: DeployInputs | undefined;
}

/** Inputs whose values are masked before anything is logged, and never echoed in a message. */
export const SECRET_INPUTS = ['password', 'sendgrid-token', 'watchtower-token'] as const;

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} inputs are invalid:\n${problems.join('\n')}`,
    );
    this.name = 'InputError';
  }
}

const NOTIFY_ON: readonly NotifyOn[] = ['always', 'success', 'failure', 'never'];
const BUILDX_ONLY = ['platforms', 'cache-from', 'cache-to', 'builder'] as const;
const DEFAULT_SENDGRID_URL = 'https://api.sendgrid.com';
/** What `docker login` accepts as a server: host[:port][/path], or a URL. */
const REGISTRY = /^[A-Za-z0-9.-]+(:\d+)?(\/[\w./-]*)?$|^https?:\/\/\S+$/;

/** Collects problems so the user sees all of them in one run. */
class Checker {
  readonly problems: string[] = [];
  constructor(private readonly read: InputReader) {}

  /** The input trimmed. */
  raw(name: string): string {
    return this.read(name).trim();
  }

  /** The input as written (multi-line inputs keep their lines). */
  text(name: string): string {
    return this.read(name);
  }

  fail(name: string, message: string): void {
    this.problems.push(`Input "${name}": ${message}`);
  }

  /** Runs `parse` and records its Error as a problem of `name`. */
  attempt<T>(name: string, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      this.fail(name, (error as Error).message);
      return undefined;
    }
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === '') return fallback;
    // YAML 1.2 core schema, as core.getBooleanInput accepts.
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    this.fail(name, `expected true or false, got "${value}"`);
    return fallback;
  }

  seconds(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === '') return fallback;
    const parsed = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(parsed > 0) || parsed > 3600) {
      this.fail(name, `expected a number of seconds between 0 and 3600, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  httpUrl(name: string, value: string): string {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.fail(name, `"${value}" is not a URL (expected http:// or https://…)`);
      return value;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.fail(name, `"${value}" must be an http:// or https:// URL`);
    } else if (url.username || url.password) {
      // Credentials in a URL end up in logs and summaries; tokens have their own inputs.
      this.fail(name, 'a URL must not contain credentials; use the token input instead');
    } else if (url.search || url.hash) {
      this.fail(name, `"${value}" must be a base URL without ?query or #fragment`);
    }
    return value.replace(/\/+$/, '');
  }

  choice<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === '') return fallback;
    if ((options as readonly string[]).includes(value)) return value as T;
    this.fail(name, `expected one of ${options.join(', ')}, got "${value}"`);
    return fallback;
  }
}

/** A context docker fetches itself: a Git repository or a tarball URL (docker/cli's urlutil rules). */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git:\/\/|git@|github\.com\/)/.test(context);
}

function readBuild(c: Checker, env: InputEnvironment): BuildInputs {
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

function readLogin(c: Checker): LoginInputs | undefined {
  const registry = c.raw('registry');
  const username = c.raw('username');
  const password = c.text('password');
  if (!registry && !username && !password) return undefined;
  if (!username) c.fail('username', 'is required when "registry" or "password" is set');
  if (!password)
    c.fail(
      'password',
      'is required when "username" or "registry" is set (is the secret available to this workflow?)',
    );
  if (registry && !REGISTRY.test(registry)) {
    c.fail(
      'registry',
      `"${registry}" is not a registry host (expected e.g. ghcr.io or registry.example.com:5000)`,
    );
  }
  return { registry, username, password };
}

function readAddresses(c: Checker, name: string): Address[] {
  return c.attempt(name, () => parseAddressList(c.text(name))) ?? [];
}

function readMail(c: Checker): MailInputs | undefined {
  const token = c.raw('sendgrid-token');
  const recipients = c.text('mail');
  if (!recipients.trim() && !token) return undefined;

  const to = readAddresses(c, 'mail');
  if (!recipients.trim())
    c.fail('mail', 'at least one recipient is required when "sendgrid-token" is set');
  const fromRaw = c.raw('from');
  if (!fromRaw) c.fail('from', 'the verified sender address is required to send email');
  const from = fromRaw ? c.attempt('from', () => parseAddress(fromRaw)) : undefined;
  const replyToRaw = c.raw('reply-to');
  const replyTo = replyToRaw ? c.attempt('reply-to', () => parseAddress(replyToRaw)) : undefined;

  const subject = c.raw('subject');
  if (/[\r\n]/.test(subject)) c.fail('subject', 'must be one line (no line breaks)');
  const text = c.text('text');
  const html = c.text('html');
  const templateId = c.raw('template-id');
  if (templateId && !/^d-[0-9a-f]{32}$/i.test(templateId)) {
    c.fail(
      'template-id',
      `"${templateId}" is not a SendGrid dynamic template id (d- followed by 32 hex digits)`,
    );
  }
  if (templateId && (text.trim() || html.trim())) {
    c.fail(
      'template-id',
      'cannot be combined with "text" or "html" (the template supplies the body)',
    );
  }
  const templateData = readTemplateData(c, templateId);

  for (const [name, value] of [
    ['subject', subject],
    ['text', text],
    ['html', html],
  ] as const) {
    const unknown = unknownPlaceholders(value);
    if (unknown.length > 0) {
      c.fail(
        name,
        `unknown placeholder ${unknown.map((u) => `{{ ${u} }}`).join(', ')} (known: ${PLACEHOLDERS.join(', ')})`,
      );
    }
  }

  return {
    token,
    to,
    from: from ?? { email: '' },
    cc: readAddresses(c, 'cc'),
    bcc: readAddresses(c, 'bcc'),
    replyTo,
    subject,
    text,
    html,
    templateId,
    templateData,
    notifyOn: c.choice('notify-on', NOTIFY_ON, 'always'),
    individual: c.boolean('individual', false),
    apiUrl: c.httpUrl('sendgrid-api-url', c.raw('sendgrid-api-url') || DEFAULT_SENDGRID_URL),
    sandbox: c.boolean('sandbox', false),
    failOnError: c.boolean('fail-on-notify-error', true),
    timeoutSeconds: c.seconds('sendgrid-timeout', 30),
  };
}

function readTemplateData(c: Checker, templateId: string): Record<string, unknown> {
  const raw = c.raw('template-data');
  if (!raw) return {};
  if (!templateId) c.fail('template-data', 'is only used with "template-id"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    c.fail('template-data', 'is not valid JSON (expected a JSON object such as {"team":"api"})');
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    c.fail('template-data', 'must be a JSON object such as {"team":"api"}');
    return {};
  }
  return parsed as Record<string, unknown>;
}

function readDeploy(c: Checker): DeployInputs | undefined {
  const urls = splitList(c.text('watchtower-url'));
  if (urls.length === 0) {
    for (const name of ['watchtower-token', 'watchtower-images'] as const) {
      if (c.raw(name)) c.fail('watchtower-url', `is required when "${name}" is set`);
    }
    return undefined;
  }
  const images = splitList(c.text('watchtower-images'));
  for (const image of images) {
    const ref = c.attempt('watchtower-images', () => parseImageReference(image));
    if (ref?.tag) {
      c.fail(
        'watchtower-images',
        `"${image}" has a tag; Watchtower matches repositories, give "${repositoryOf(ref)}"`,
      );
    }
  }
  return {
    urls: urls.map((url) => c.httpUrl('watchtower-url', url)),
    token: c.raw('watchtower-token'),
    images,
    timeoutSeconds: c.seconds('watchtower-timeout', 300),
    failOnError: c.boolean('fail-on-deploy-error', true),
  };
}

/** Reads and validates every input; throws InputError listing every problem found. */
export function readInputs(read: InputReader, env: InputEnvironment): Inputs {
  const c = new Checker(read);
  const inputs: Inputs = {
    build: readBuild(c, env),
    login: readLogin(c),
    mail: readMail(c),
    deploy: readDeploy(c),
  };
  if (c.problems.length > 0) throw new InputError(c.problems);
  return inputs;
}
