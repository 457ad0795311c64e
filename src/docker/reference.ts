// Docker image references, checked against the grammar of distribution/reference
// (github.com/distribution/reference, regexp.go) so a bad tag is caught before docker runs.

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

export interface ImageReference {
  /** Registry host with optional port, as written (empty for Docker Hub's short form). */
  domain: string;
  /** Path below the domain, e.g. `acme/api`. */
  path: string;
  /** Tag, empty when the reference has none (docker then uses `latest`). */
  tag: string;
}

/** `ghcr.io/acme/api:1.0` → `ghcr.io/acme/api`. */
export function repositoryOf(ref: ImageReference): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

function isDomain(candidate: string): boolean {
  // Same rule as docker: the first component is a registry when it looks like a host name.
  return candidate.includes('.') || candidate.includes(':') || candidate === 'localhost';
}

function validDomain(domain: string): boolean {
  const [host = '', port, ...rest] = domain.startsWith('[')
    ? [
        domain.slice(0, domain.indexOf(']') + 1),
        ...domain.slice(domain.indexOf(']') + 2).split(':'),
      ]
    : domain.split(':');
  if (rest.length > 0) return false;
  if (port !== undefined && !/^[0-9]+$/.test(port)) return false;
  if (host.startsWith('[')) return /^\[[a-fA-F0-9:]+\]$/.test(host);
  return host.split('.').every((label) => DOMAIN_LABEL.test(label));
}

/**
 * Parses a tag reference such as `ghcr.io/acme/api:1.0`.
 * Throws an Error whose message quotes the value and says what is wrong (the caller names the input).
 */
export function parseImageReference(value: string): ImageReference {
  try {
    return parseParts(value);
  } catch (error) {
    throw new Error(`"${value}" is not a valid image reference: ${(error as Error).message}`);
  }
}

function parseParts(value: string): ImageReference {
  if (value.length === 0) throw new Error('an image reference cannot be empty');
  if (/\s/.test(value)) throw new Error('an image reference cannot contain whitespace');
  if (value.includes('@')) {
    throw new Error('a tag cannot contain a digest (@sha256:…); the digest is an output');
  }

  const slash = value.indexOf('/');
  let domain = '';
  let remainder = value;
  if (slash > 0 && isDomain(value.slice(0, slash))) {
    domain = value.slice(0, slash);
    remainder = value.slice(slash + 1);
    if (!validDomain(domain)) throw new Error(`"${domain}" is not a valid registry host[:port]`);
  }

  if (remainder.split(':').length > 2) {
    throw new Error('":" may appear only once after the registry host (before the tag)');
  }
  const colon = remainder.lastIndexOf(':');
  const path = colon >= 0 ? remainder.slice(0, colon) : remainder;
  const tag = colon >= 0 ? remainder.slice(colon + 1) : '';

  if (colon >= 0) {
    if (tag.length === 0) throw new Error('the tag after ":" is empty');
    if (tag.length > 128)
      throw new Error(`the tag is ${tag.length} characters, at most 128 are allowed`);
    if (!TAG.test(tag)) {
      throw new Error(
        'a tag may only contain letters, digits, "_", "." and "-" and not start with "." or "-"',
      );
    }
  }
  if (path.length === 0) throw new Error('the repository name is empty');
  if (path !== path.toLowerCase()) throw new Error('the repository name must be lowercase');
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) {
      throw new Error(
        `"${component}" is not a valid repository path component (lowercase letters and digits, separated by ".", "_", "__" or "-")`,
      );
    }
  }
  if ((domain ? domain.length + 1 : 0) + path.length > MAX_NAME_LENGTH) {
    throw new Error(`the repository name is longer than ${MAX_NAME_LENGTH} characters`);
  }
  return { domain, path, tag };
}
