// The registry login inputs.
import type { Checker } from './checker.js';

export interface LoginInputs {
  /** Empty for Docker Hub. */
  registry: string;
  username: string;
  password: string;
}

/** What `docker login` accepts as a server: host[:port][/path], or a URL. */
const REGISTRY = /^[A-Za-z0-9.-]+(:\d+)?(\/[\w./-]*)?$|^https?:\/\/\S+$/;

export function readLogin(c: Checker): LoginInputs | undefined {
  const registry = c.value('registry');
  const username = c.value('username');
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
