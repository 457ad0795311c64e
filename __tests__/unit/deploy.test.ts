import { describe, expect, it } from 'vitest';
import { deployStatus } from '../../src/deploy/stage.js';
import { imagesToUpdate } from '../../src/deploy/watchtower-update.js';
import {
  imageSpellings,
  imagesWithRegistryPort,
  interpretResponse,
  retryAfterMs,
  updateUrl,
} from '../../src/deploy/watchtower.js';
import type { HostResult } from '../../src/report.js';

describe('watchtower requests', () => {
  it('always names the images, and gives the host the step’s limit', () => {
    const request = { images: ['ghcr.io/acme/api', 'acme/web'], limitMs: 299_999.97 };
    expect(updateUrl('https://h:8080/', request)).toBe(
      'https://h:8080/v1/update?image=ghcr.io%2Facme%2Fapi,acme%2Fweb&timeout=300000ms',
    );
    // A tiny limit still reads as a Go duration (`1e-7s` would not).
    expect(updateUrl('http://h', { ...request, limitMs: 0.0001 })).toMatch(/&timeout=0ms$/);
    // In the background: the host's own limit.
    expect(updateUrl('http://h', { ...request, limitMs: undefined })).toBe(
      'http://h/v1/update?image=ghcr.io%2Facme%2Fapi,acme%2Fweb&async=true',
    );
  });

  it('defaults to the pushed repositories, once each, in every spelling Watchtower needs', () => {
    const deploy = { urls: [], token: 't', images: [], timeoutSeconds: 1, wait: true };
    expect(imagesToUpdate(deploy, ['ghcr.io/a/b:1', 'ghcr.io/a/b:latest', 'h:5000/c:2'])).toEqual([
      'ghcr.io/a/b',
      'h:5000/c',
    ]);
    expect(imagesToUpdate({ ...deploy, images: ['x/y'] }, ['ghcr.io/a/b:1'])).toEqual([
      'x/y',
      'docker.io/x/y',
      'index.docker.io/x/y',
    ]);
  });

  it('flags images upstream Watchtower cannot match', () => {
    expect(imagesWithRegistryPort(['ghcr.io/a/b', 'host:5000/app', 'localhost/x'])).toEqual([
      'host:5000/app',
    ]);
  });
});

describe('watchtower answers', () => {
  const fork = (summary: object) =>
    JSON.stringify({ summary, timing: {}, timestamp: 'x', api_version: 'v1' });

  const quick = { limitMs: 300_000, elapsedMs: 40 };

  it.each([
    [200, fork({ scanned: 2, updated: 1, failed: 0, restarted: 0, skipped: 0 }), 'updated'],
    // Up to date, monitor-only and pinned containers all answer this.
    [200, fork({ scanned: 2, updated: 0, failed: 0, restarted: 0, skipped: 0 }), 'unconfirmed'],
    [200, fork({ scanned: 2, updated: 1, failed: 1, restarted: 0, skipped: 0 }), 'failed'],
    [200, fork({ scanned: 0, updated: 0, failed: 0 }), 'no-match'],
    // Upstream 1.7.1 (and the fork before 1.12.0): 200 with an empty body, whatever it did.
    [200, '', 'unconfirmed'],
    [204, '', 'unconfirmed'],
    // The fork skips a container in a cooldown, and one whose image it could not check or pull.
    [200, fork({ scanned: 1, updated: 0, failed: 0, skipped: 1 }), 'deferred'],
    [200, fork({ scanned: 0, updated: 0, failed: 0, skipped: 1 }), 'deferred'],
    [200, fork({ scanned: 1, updated: 1, failed: 0, skipped: 1 }), 'deferred'],
    [200, '  \n', 'unconfirmed'],
    [202, '', 'unconfirmed'],
    // Something else answered 200: a web server, a login page, other JSON.
    [200, '<!DOCTYPE html><title>Welcome to nginx!</title>', 'failed'],
    [200, '<form action="/login"><input name="password"></form>', 'failed'],
    [200, JSON.stringify({ status: 'ok' }), 'failed'],
    [200, fork({ scanned: '2', updated: 1, failed: 0 }), 'failed'],
    [401, 'missing or invalid API Key', 'failed'],
    [404, '', 'failed'],
    [408, 'Request Timeout', 'failed'],
    [500, 'oops', 'failed'],
  ] as const)('HTTP %i %s → %s', (status, body, expected) => {
    expect(interpretResponse(status, body, quick).status).toBe(expected);
  });

  it('explains a wrong token, a missing API, an empty scan and a limit reached', () => {
    const say = (status: number, body: string, timing = quick): string =>
      interpretResponse(status, body, timing).message;
    expect(say(401, '')).toMatch(/token rejected.*WATCHTOWER_HTTP_API_TOKEN/);
    expect(say(404, '')).toMatch(
      /WATCHTOWER_HTTP_API_ENDPOINTS=update.*WATCHTOWER_HTTP_API_UPDATE/,
    );
    expect(say(200, fork({ scanned: 0, updated: 0, failed: 0 }))).toMatch(
      /no container here runs these images .*, or the host could not list its containers/,
    );
    expect(say(200, '<html>\n  <body>Welcome to nginx!')).toBe(
      'not a Watchtower API: HTTP 200 with "<html> <body>Welcome to nginx!" (a proxy, a login page or another server answered)',
    );
    expect(say(408, 'Request Timeout')).toMatch(
      /^the host stopped the update at its own limit \(HTTP 408: WATCHTOWER_HTTP_API_UPDATE_TIMEOUT.*may be left stopped/,
    );
    // A failure when the host's limit had passed is the limit; before it, the host's own.
    const failed = fork({ scanned: 1, updated: 0, failed: 1 });
    expect(say(200, failed, { limitMs: 2000, elapsedMs: 2004 })).toMatch(
      /^scanned 1, updated 0, failed 1: the host stopped at the 2 s it was given \(watchtower-timeout\): a container it was replacing may be left stopped/,
    );
    expect(say(200, failed, { limitMs: 2000, elapsedMs: 800 })).toMatch(
      /^scanned 1, updated 0, failed 1: the host could not update every container/,
    );
    // All zero at the limit: it ran out waiting for another update's lock, or pulling.
    const zero = fork({ scanned: 0, updated: 0, failed: 0, skipped: 0 });
    expect(interpretResponse(200, zero, { limitMs: 1500, elapsedMs: 1510 })).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/the host's 1\.5 s \(watchtower-timeout\) ran out before/),
    });
    expect(interpretResponse(200, zero, { limitMs: undefined, elapsedMs: 90_000 }).status).toBe(
      'no-match',
    );
    expect(say(200, fork({ scanned: 0, updated: 0, failed: 0, skipped: 1 }))).toMatch(
      /skipped 1: the host skipped 1 for now; a cooldown \(WATCHTOWER_COOLDOWN_DELAY.*registry login/,
    );
  });

  it('reads Retry-After', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBe(5000);
    expect(retryAfterMs('soon')).toBe(5000);
  });

  it('aggregates hosts', () => {
    const host = (status: HostResult['status']): HostResult => ({
      kind: 'watchtower',
      url: 'u',
      status,
      httpStatus: 200,
      durationMs: 1,
      message: '',
      counts: undefined,
    });
    expect(deployStatus([host('updated'), host('no-change')])).toBe('deployed');
    expect(deployStatus([host('updated'), host('unconfirmed')])).toBe('unconfirmed');
    expect(deployStatus([host('updated'), host('deferred')])).toBe('unconfirmed');
    expect(deployStatus([host('deferred'), host('failed')])).toBe('partial');
    expect(deployStatus([host('updated'), host('no-match')])).toBe('partial');
    expect(deployStatus([host('unconfirmed'), host('failed')])).toBe('partial');
    expect(deployStatus([host('failed'), host('no-match')])).toBe('failed');
  });
});

/**
 * How each Watchtower decides that a container's image is one of `image=` (the sources quoted):
 * the container's name is Config.Image as created, with `:latest` added when it has no `:`.
 */
const imageName = (created: string): string =>
  created.includes(':') ? created : `${created}:latest`;
const MATCHERS: Record<string, (container: string, target: string) => boolean> = {
  // containrrr/watchtower 1.7.1, pkg/filters/filters.go FilterByImage: cut at the first ":".
  'upstream 1.7.1': (container, target) => imageName(container).split(':')[0] === target,
  // nicholas-fedor/watchtower 1.9 to 1.20.1: the parts before and after the first ":" (a tag
  // in the target is compared only when both have one).
  'fork 1.9–1.20.1': (container, target) => {
    const containerParts = imageName(container).split(':');
    const targetParts = target.split(':');
    if (containerParts[0] !== targetParts[0]) return false;
    if (targetParts.length > 1 && containerParts.length > 1)
      return containerParts[1] === targetParts[1];
    return true;
  },
  // The fork from 1.20.2: distribution/reference's familiar names, so spellings of one Docker
  // Hub repository are equal (a model: docker.io/, index.docker.io/ and library/ removed).
  'fork ≥ 1.20.2': (container, target) => {
    const familiar = (name: string): string =>
      name
        .replace(/:[^/:]+$/, '')
        .replace(/^(docker\.io|index\.docker\.io)\//, '')
        .replace(/^library\//, '');
    return familiar(imageName(container)) === familiar(target);
  },
};

describe('image names as Watchtower matches them', () => {
  // How a compose file (`image:`) or `docker run` may name what the action pushed.
  const cases: [pushedTag: string, containerImages: string[]][] = [
    [
      'docker.io/acme/api:1',
      ['acme/api:1', 'docker.io/acme/api:1', 'index.docker.io/acme/api:1', 'acme/api'],
    ],
    ['acme/api:1', ['acme/api:1', 'docker.io/acme/api:latest', 'index.docker.io/acme/api']],
    [
      'nginx:1',
      [
        'nginx:1',
        'nginx',
        'library/nginx:1',
        'docker.io/library/nginx:1',
        'docker.io/nginx:1',
        'index.docker.io/library/nginx',
      ],
    ],
    ['docker.io/library/nginx:1', ['nginx:1', 'library/nginx', 'docker.io/nginx']],
    ['ghcr.io/acme/api:1', ['ghcr.io/acme/api:1', 'ghcr.io/acme/api']],
  ];
  const deploy = { urls: [], token: 't', images: [], timeoutSeconds: 1, wait: true };

  for (const [version, matches] of Object.entries(MATCHERS)) {
    it.each(cases)(`${version}: what is sent for %s matches %j`, (tag, containers) => {
      const sent = imagesToUpdate(deploy, [tag]);
      for (const container of containers)
        expect(
          sent.some((image) => matches(container, image)),
          container,
        ).toBe(true);
    });

    it(`${version}: nothing sent matches another repository`, () => {
      const sent = imagesToUpdate(deploy, ['docker.io/acme/api:1', 'ghcr.io/acme/web:1']);
      for (const container of ['acme/web:1', 'acme/api-v2:1', 'ghcr.io/acme/api:1', 'nginx:1'])
        expect(
          sent.some((image) => matches(container, image)),
          container,
        ).toBe(false);
    });
  }

  it('a registry with a port: the fork matches it, upstream 1.7.1 never does', () => {
    const sent = imagesToUpdate(deploy, ['127.0.0.1:5000/app:1']);
    expect(sent).toEqual(['127.0.0.1:5000/app']);
    expect(MATCHERS['fork 1.9–1.20.1']!('127.0.0.1:5000/app:1', sent[0]!)).toBe(true);
    expect(MATCHERS['fork ≥ 1.20.2']!('127.0.0.1:5000/app:1', sent[0]!)).toBe(true);
    expect(MATCHERS['upstream 1.7.1']!('127.0.0.1:5000/app:1', sent[0]!)).toBe(false);
    expect(imagesWithRegistryPort(sent)).toEqual(sent);
  });

  it('spells Docker Hub names every way docker accepts them, other registries as written', () => {
    expect(imageSpellings('nginx')).toEqual([
      'nginx',
      'library/nginx',
      'docker.io/nginx',
      'docker.io/library/nginx',
      'index.docker.io/nginx',
      'index.docker.io/library/nginx',
    ]);
    expect(imageSpellings('registry.example.com/team/app')).toEqual([
      'registry.example.com/team/app',
    ]);
  });
});
