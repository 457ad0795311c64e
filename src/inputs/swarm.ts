// The Docker Swarm inputs: which services get the pushed digest, on which manager, and how
// long each may take to converge.
import { familiarRepository } from '../docker/digest.js';
import { parseImageReference, repositoryOf } from '../docker/reference.js';
import type { Checker } from './checker.js';

export interface SwarmService {
  /** The service's name (or id) as Swarm knows it. */
  name: string;
  /** The pushed repository whose digest it gets, spelled as in `tags`. */
  repository: string;
}

/** PEM texts for a `tcp://` manager, written to files (0600) in the step's folder when used. */
export interface SwarmTls {
  ca: string;
  cert: string;
  key: string;
}

export interface SwarmInputs {
  services: SwarmService[];
  /** The manager's endpoint (`ssh://`, `tcp://`, `unix://`); empty for the runner's own docker. */
  host: string;
  tls: SwarmTls | undefined;
  timeoutSeconds: number;
}

/** Swarm's rule for service names (swarmkit refuses anything else): a DNS label, `_` allowed. */
const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$/;
const SERVICE_NAME_MAX = 63;

const TLS_INPUTS = ['swarm-tls-ca', 'swarm-tls-cert', 'swarm-tls-key'] as const;

/** The first-pushed-first list of repositories the tags push to, each once. */
function pushedRepositories(tags: string[]): string[] {
  const repositories: string[] = [];
  for (const tag of tags) {
    try {
      repositories.push(repositoryOf(parseImageReference(tag)));
    } catch {
      // A bad tag is reported by the build inputs.
    }
  }
  return [...new Set(repositories)];
}

function readService(c: Checker, entry: string, pushed: string[]): SwarmService | undefined {
  const [name = '', repository, ...extra] = entry.split('=').map((part) => part.trim());
  if (extra.length > 0 || repository === '') {
    c.fail('swarm-services', `"${entry}" is not "name" or "name=repository"`);
    return undefined;
  }
  if (!SERVICE_NAME.test(name) || name.length > SERVICE_NAME_MAX) {
    c.fail(
      'swarm-services',
      `"${name}" is not a Swarm service name (letters, digits, "-" and "_", starting and ending with a letter or digit, at most ${SERVICE_NAME_MAX} characters)`,
    );
    return undefined;
  }
  // Without tags nothing is pushed, so nothing is deployed (tags says what is wrong, if anything).
  if (repository === undefined || pushed.length === 0)
    return { name, repository: repository ?? pushed[0] ?? '' };
  // Docker Hub names have several spellings (`app`, `docker.io/library/app`): compare short ones.
  const match = pushed.find(
    (candidate) => familiarRepository(candidate) === familiarRepository(repository),
  );
  if (!match) {
    c.fail(
      'swarm-services',
      `"${entry}": ${repository} is not a repository this step pushes (${pushed.join(', ') || 'none'}); give a repository from tags, without tag`,
    );
    return undefined;
  }
  return { name, repository: match };
}

/** `ssh://user@host[:port]`, `tcp://host[:port]` or `unix:///path`, as docker's --host takes it. */
function readHost(c: Checker): string {
  const host = c.value('swarm-host');
  if (!host) return '';
  const expected =
    'expected ssh://user@host[:port], tcp://host[:port] or unix:///path/to/docker.sock';
  let url: URL;
  try {
    if (!host.includes('://')) throw new Error('no scheme');
    url = new URL(host);
  } catch {
    c.fail('swarm-host', `"${host}" is not a Docker endpoint: ${expected}`);
    return host;
  }
  const scheme = url.protocol.slice(0, -1);
  if (!['ssh', 'tcp', 'unix'].includes(scheme)) {
    c.fail('swarm-host', `"${scheme}://" is not supported: ${expected}`);
  } else if (url.password) {
    // docker refuses it too; a password in a URL ends up in logs and summaries.
    c.fail('swarm-host', "must not contain a password; ssh uses the runner's ssh agent and keys");
  } else if (url.hostname.startsWith('-') || url.username.startsWith('-')) {
    // ssh would read it as an option.
    c.fail('swarm-host', `"${host}": a host or user name cannot start with "-"`);
  } else if (url.search || url.hash) {
    c.fail('swarm-host', `"${host}" must not have a ?query or #fragment`);
  } else if (scheme === 'unix' ? !url.pathname.startsWith('/') || url.host : !url.hostname) {
    c.fail(
      'swarm-host',
      `"${host}" has no ${scheme === 'unix' ? 'absolute socket path' : 'host'}: ${expected}`,
    );
  } else if (scheme !== 'unix' && url.pathname && url.pathname !== '/') {
    c.fail('swarm-host', `"${host}" must not have a path after the host: ${expected}`);
  }
  return scheme === 'unix' ? host : host.replace(/\/+$/, '');
}

function readTls(c: Checker, host: string): SwarmTls | undefined {
  const given = TLS_INPUTS.filter((name) => c.value(name));
  if (given.length === 0) return undefined;
  if (!host.startsWith('tcp://')) {
    for (const name of given) c.fail(name, 'is only used with a tcp:// swarm-host');
    return undefined;
  }
  if (given.length < TLS_INPUTS.length) {
    const missing = TLS_INPUTS.filter((name) => !given.includes(name));
    c.fail(
      missing[0]!,
      `is required with ${given.join(' and ')}: Docker's TLS needs the CA that signed the daemon's certificate, and a client certificate and key (${missing.join(', ')} missing)`,
    );
    return undefined;
  }
  // The values are secrets: the messages say what was expected, never what was given.
  const pem = (name: (typeof TLS_INPUTS)[number], kind: RegExp, expected: string): string => {
    const text = c.value(name);
    if (!kind.test(text))
      c.fail(name, `expected the PEM text of ${expected}, not a file path or another PEM block`);
    return `${text}\n`;
  };
  const certificate = /^-----BEGIN CERTIFICATE-----$/m;
  const key = /^-----BEGIN [A-Z ]*PRIVATE KEY-----$/m;
  return {
    ca: pem('swarm-tls-ca', certificate, 'a certificate (-----BEGIN CERTIFICATE-----…)'),
    cert: pem('swarm-tls-cert', certificate, 'a certificate (-----BEGIN CERTIFICATE-----…)'),
    key: pem('swarm-tls-key', key, 'a private key (-----BEGIN PRIVATE KEY-----…)'),
  };
}

export function readSwarm(c: Checker, tags: string[]): SwarmInputs | undefined {
  const entries = c.list('swarm-services');
  if (entries.length === 0) {
    for (const name of ['swarm-host', ...TLS_INPUTS] as const) {
      if (c.value(name)) c.fail('swarm-services', `is required when "${name}" is set`);
    }
    return undefined;
  }
  const pushed = pushedRepositories(tags);
  const services = entries.flatMap((entry) => readService(c, entry, pushed) ?? []);
  const names = services.map((service) => service.name);
  for (const name of new Set(names.filter((name, i) => names.indexOf(name) !== i))) {
    c.fail('swarm-services', `"${name}" is listed more than once`);
  }
  const host = readHost(c);
  return {
    services,
    host,
    tls: readTls(c, host),
    timeoutSeconds: c.seconds('swarm-timeout', 600),
  };
}
