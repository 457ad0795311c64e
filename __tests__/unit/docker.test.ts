import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginFolders, useBuildx } from '../../src/docker/cli.js';
import {
  buildxBuildArgs,
  classicBuildArgs,
  defaultLabels,
  loginArgs,
  logoutArgs,
} from '../../src/docker/args.js';
import {
  crossCheckDigest,
  digestFromBuildxMetadata,
  digestFromPushOutput,
  parseRepoDigests,
} from '../../src/docker/digest.js';
import { parseImageReference, repositoryOf } from '../../src/docker/reference.js';
import type { BuildInputs } from '../../src/inputs.js';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

const build: BuildInputs = {
  context: 'app',
  file: 'app/Dockerfile',
  target: '',
  tags: ['ghcr.io/acme/api:1.0', 'ghcr.io/acme/api:latest'],
  buildArgs: ['A=1', 'B=x,y=z'],
  labels: [],
  push: true,
  pull: false,
  noCache: false,
  platforms: [],
  cacheFrom: [],
  cacheTo: [],
};
const files = { iidFile: '/t/iid', metadataFile: '/t/meta.json' };

describe('image references', () => {
  it.each([
    ['ghcr.io/acme/api:1.0', 'ghcr.io', 'acme/api', '1.0'],
    ['localhost:5000/app', 'localhost:5000', 'app', ''],
    ['127.0.0.1:5055/team/app:v2', '127.0.0.1:5055', 'team/app', 'v2'],
    ['acme/api:latest', '', 'acme/api', 'latest'],
    ['app', '', 'app', ''],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1'],
    [
      'my-registry.example.com/a__b/c-d.e:1_2.3-x',
      'my-registry.example.com',
      'a__b/c-d.e',
      '1_2.3-x',
    ],
  ])('parses %s', (value, domain, repoPath, tag) => {
    expect(parseImageReference(value)).toEqual({ domain, path: repoPath, tag });
  });

  it.each([
    ['UPPER/app', /lowercase/],
    ['app:a:b', /only once/],
    [`app:${'t'.repeat(129)}`, /129 characters/],
    ['app:.x', /may only contain/],
    ['-app', /path component/],
    ['app//x', /path component/],
    ['app:', /empty/],
    ['reg.io:x/app', /registry host/],
    ['app@sha256:ab', /digest/],
  ])('rejects %s', (value, message) => {
    expect(() => parseImageReference(value)).toThrow(message);
  });

  it('gives the repository without the tag', () => {
    expect(repositoryOf(parseImageReference('host:5000/a/b:1'))).toBe('host:5000/a/b');
  });
});

describe('argv builders', () => {
  it('classic build: every flag as its own element, context last', () => {
    expect(
      classicBuildArgs({ ...build, pull: true, noCache: true, target: 'prod' }, ['l=1'], files),
    ).toEqual([
      'build',
      '--file',
      'app/Dockerfile',
      '--iidfile',
      '/t/iid',
      '--pull',
      '--no-cache',
      '--target',
      'prod',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=x,y=z',
      '--label',
      'l=1',
      '--tag',
      'ghcr.io/acme/api:1.0',
      '--tag',
      'ghcr.io/acme/api:latest',
      'app',
    ]);
  });

  it('buildx build pushes, writes metadata and passes buildx-only flags', () => {
    const args = buildxBuildArgs(
      {
        ...build,
        platforms: ['linux/amd64', 'linux/arm64'],
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha,mode=max'],
      },
      [],
      files,
    );
    expect(args.slice(0, 2)).toEqual(['buildx', 'build']);
    expect(args).toContain('--push');
    expect(args.join(' ')).toContain('--metadata-file /t/meta.json');
    expect(args.join(' ')).toContain('--platform linux/amd64,linux/arm64');
    expect(args.join(' ')).toContain('--cache-from type=gha --cache-to type=gha,mode=max');
    expect(args.at(-1)).toBe('app');
  });

  it('buildx without push loads a single-platform image into the daemon', () => {
    expect(buildxBuildArgs({ ...build, push: false }, [], files)).toContain('--load');
    const multi = buildxBuildArgs(
      { ...build, push: false, platforms: ['linux/amd64', 'linux/arm64'] },
      [],
      files,
    );
    expect(multi).not.toContain('--load');
    expect(multi).not.toContain('--push');
  });

  it('login never puts the password on argv', () => {
    expect(loginArgs('ghcr.io', 'bot')).toEqual([
      'login',
      '--username',
      'bot',
      '--password-stdin',
      'ghcr.io',
    ]);
    expect(loginArgs('', 'bot')).toEqual(['login', '--username', 'bot', '--password-stdin']);
    expect(logoutArgs('ghcr.io')).toEqual(['logout', 'ghcr.io']);
  });

  it('adds OCI labels unless the user set them', () => {
    const created = new Date('2026-01-02T03:04:05Z');
    expect(
      defaultLabels(['org.opencontainers.image.source=https://example.com/x'], {
        repositoryUrl: 'https://github.com/a/b',
        sha: 'abc',
        created,
      }),
    ).toEqual([
      'org.opencontainers.image.revision=abc',
      'org.opencontainers.image.created=2026-01-02T03:04:05.000Z',
      'org.opencontainers.image.source=https://example.com/x',
    ]);
    expect(defaultLabels([], { repositoryUrl: '', sha: '', created })).toEqual([
      'org.opencontainers.image.created=2026-01-02T03:04:05.000Z',
    ]);
  });
});

describe('digests', () => {
  it('reads the digest docker push printed', () => {
    expect(digestFromPushOutput(fixture('push-output.txt'))).toBe(
      'sha256:5e5f5052753d5f8f0488ba2fe71c78758e8d6bb783c6f2a2bcddebcf19b5146a',
    );
    expect(digestFromPushOutput('The push refers to repository [x]\nerror')).toBeUndefined();
  });

  it('reads containerimage.digest from real buildx metadata', () => {
    expect(digestFromBuildxMetadata(fixture('buildx-metadata.json'))).toBe(
      'sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3',
    );
    expect(digestFromBuildxMetadata('{"buildx.build.ref":"x"}')).toBeUndefined();
  });

  it('cross-checks the pushed digest against RepoDigests, in docker’s short names', () => {
    const d1 = `sha256:${'1'.repeat(64)}`;
    const d2 = `sha256:${'2'.repeat(64)}`;
    const repoDigests = parseRepoDigests(
      JSON.stringify([`acme/api@${d1}`, `ghcr.io/acme/api@${d2}`, `nginx@${d1}`]),
    );
    expect(crossCheckDigest('docker.io/acme/api:1', d1, repoDigests)).toBeUndefined();
    expect(crossCheckDigest('docker.io/library/nginx:1', d1, repoDigests)).toBeUndefined();
    expect(crossCheckDigest('ghcr.io/acme/api:1', d2, repoDigests)).toBeUndefined();
    expect(crossCheckDigest('ghcr.io/acme/api:1', d1, repoDigests)).toMatch(/records sha256:2222/);
    expect(crossCheckDigest('quay.io/x/y:1', d1, repoDigests)).toMatch(/records no digest/);
  });
});

describe('build path', () => {
  it('uses buildx when its CLI plugin is in a plugin folder, unless DOCKER_BUILDKIT=0', () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-plugins-'));
    const folders = [path.join(config, 'cli-plugins')];
    expect(useBuildx({}, folders)).toBe(false);
    fs.mkdirSync(folders[0]!);
    fs.writeFileSync(path.join(folders[0]!, 'docker-buildx'), '', { mode: 0o755 });
    expect(useBuildx({}, folders)).toBe(true);
    expect(useBuildx({ DOCKER_BUILDKIT: '0' }, folders)).toBe(false);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('looks in the Docker config folder first, then the system folders', () => {
    const folders = pluginFolders({ DOCKER_CONFIG: '/cfg' });
    expect(folders[0]).toBe('/cfg/cli-plugins');
    expect(folders).toContain('/usr/libexec/docker/cli-plugins');
  });
});
