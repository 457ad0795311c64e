import { describe, expect, it } from 'vitest';
import { deployStatus, imagesToUpdate } from '../../src/deploy/stage.js';
import {
  imagesWithRegistryPort,
  interpretResponse,
  retryAfterMs,
  updateUrl,
} from '../../src/deploy/watchtower.js';
import type { HostResult } from '../../src/report.js';

describe('watchtower requests', () => {
  it('always names the images', () => {
    expect(updateUrl('https://h:8080/', ['ghcr.io/acme/api', 'acme/web'])).toBe(
      'https://h:8080/v1/update?image=ghcr.io%2Facme%2Fapi,acme%2Fweb',
    );
  });

  it('defaults to the pushed repositories, once each', () => {
    const deploy = { urls: [], token: 't', images: [], timeoutSeconds: 1, failOnError: true };
    expect(imagesToUpdate(deploy, ['ghcr.io/a/b:1', 'ghcr.io/a/b:latest', 'h:5000/c:2'])).toEqual([
      'ghcr.io/a/b',
      'h:5000/c',
    ]);
    expect(imagesToUpdate({ ...deploy, images: ['x/y'] }, ['ghcr.io/a/b:1'])).toEqual(['x/y']);
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

  it.each([
    [200, fork({ scanned: 2, updated: 1, failed: 0, restarted: 0, skipped: 0 }), 'updated'],
    [200, fork({ scanned: 2, updated: 0, failed: 0, restarted: 0, skipped: 0 }), 'no-change'],
    [200, fork({ scanned: 2, updated: 1, failed: 1, restarted: 0, skipped: 0 }), 'failed'],
    [200, '', 'unknown'],
    [202, '', 'unknown'],
    [401, '', 'failed'],
    [404, '', 'failed'],
    [500, 'oops', 'failed'],
  ] as const)('HTTP %i %s → %s', (status, body, expected) => {
    expect(interpretResponse(status, body).status).toBe(expected);
  });

  it('explains a wrong token and a missing API', () => {
    expect(interpretResponse(401, '').message).toMatch(/token rejected.*WATCHTOWER_HTTP_API_TOKEN/);
    expect(interpretResponse(404, '').message).toMatch(/WATCHTOWER_HTTP_API_UPDATE/);
    expect(interpretResponse(200, fork({ scanned: 0, updated: 0, failed: 0 })).message).toMatch(
      /no container runs/,
    );
  });

  it('reads Retry-After', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBe(5000);
    expect(retryAfterMs('soon')).toBe(5000);
  });

  it('aggregates hosts', () => {
    const host = (status: HostResult['status']): HostResult => ({
      url: 'u',
      status,
      httpStatus: 200,
      durationMs: 1,
      message: '',
      counts: undefined,
    });
    expect(deployStatus([host('updated'), host('unknown'), host('no-change')])).toBe('deployed');
    expect(deployStatus([host('updated'), host('failed')])).toBe('partial');
    expect(deployStatus([host('failed'), host('failed')])).toBe('failed');
  });
});
