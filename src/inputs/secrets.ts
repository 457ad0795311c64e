// Build secrets: `secrets` (values), `secret-files`, `secret-envs` and the `github-token` for Git
// contexts on GitHub, in docker/build-push-action's formats. A problem never quotes a secret value.
import { splitKeyValue } from '../lists.js';
import type { Checker } from './checker.js';

/** A build secret, by where its value comes from. Values never go on a command line. */
export type BuildSecret =
  /** From `secrets` (or the github token): written to a 0600 file under RUNNER_TEMP for the build. */
  | { id: string; value: string }
  /** From `secret-files`: docker reads the file. */
  | { id: string; file: string }
  /** From `secret-envs`: docker reads the variable from its environment. */
  | { id: string; variable: string };

/** What the secrets are checked against: files on disk and the step's environment. */
export interface SecretEnvironment {
  isFile(p: string): boolean;
  variables: Record<string, string | undefined>;
}

const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The host of a Git URL docker builds from, or undefined for anything else. */
export function gitHost(url: string): string | undefined {
  const scp = /^git@([^:/]+):/.exec(url);
  if (scp) return scp[1];
  if (/^github\.com\//.test(url)) return 'github.com';
  const match = /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/:#]+)/.exec(url);
  if (!match) return undefined;
  // An http(s) URL is a Git context only when it names a repository.
  return /^https?:/.test(url) && !/\.git(#|$)/.test(url) ? undefined : match[1];
}

/**
 * The secrets of a build. The github token is added for Git contexts on the GitHub server (as
 * docker/build-push-action does), under BuildKit's host-scoped id `GIT_AUTH_TOKEN.<host>` so it is
 * never sent to another host, unless `secrets` already sets a GIT_AUTH_TOKEN.
 */
export function readSecrets(
  c: Checker,
  env: SecretEnvironment,
  gitContexts: string[],
): BuildSecret[] {
  const secrets: BuildSecret[] = [];
  for (const [n, item] of c.list('secrets', { commas: false }).entries()) {
    const { key, value } = splitKeyValue(item);
    if (value === undefined || !SECRET_ID.test(key)) {
      c.fail('secrets', `item ${n + 1} is not ID=value (the value is not shown)`);
    } else if (value === '') {
      c.fail('secrets', `"${key}" has an empty value`);
    } else {
      secrets.push({ id: key, value });
    }
  }
  for (const item of c.list('secret-files', { commas: false })) {
    const { key, value } = splitKeyValue(item);
    if (value === undefined || !SECRET_ID.test(key) || value === '') {
      c.fail('secret-files', `"${item}" is not ID=path`);
    } else if (!env.isFile(value)) {
      c.fail('secret-files', `"${key}": file "${value}" does not exist`);
    } else {
      secrets.push({ id: key, file: value });
    }
  }
  for (const item of c.list('secret-envs')) {
    const { key, value } = splitKeyValue(item);
    if (value === undefined || !SECRET_ID.test(key) || !ENV_NAME.test(value)) {
      c.fail('secret-envs', `"${item}" is not ID=ENVIRONMENT_VARIABLE`);
    } else if (!env.variables[value]) {
      c.fail('secret-envs', `"${key}": environment variable ${value} is empty or not set`);
    } else {
      secrets.push({ id: key, variable: value });
    }
  }

  const ids = secrets.map((secret) => secret.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i)))
    c.fail(
      'secrets',
      `the secret id "${id}" is given more than once (secrets, secret-files, secret-envs)`,
    );

  const token = c.value('github-token');
  const server = env.variables.GITHUB_SERVER_URL || 'https://github.com';
  const host = /^https?:\/\/([^/:]+)/.exec(server)?.[1] ?? 'github.com';
  const setByUser = secrets.some(
    (s) => s.id === 'GIT_AUTH_TOKEN' || s.id === `GIT_AUTH_TOKEN.${host}`,
  );
  if (token && !setByUser && gitContexts.some((context) => gitHost(context) === host)) {
    secrets.push({ id: `GIT_AUTH_TOKEN.${host}`, value: token });
  }
  return secrets;
}
