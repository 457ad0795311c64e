import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBuilder, type PluginLookup, pluginFolders } from '../../src/docker/builder.js';
import { callMethod, checkProblem, checkWarnings } from '../../src/docker/check.js';
import {
  buildxBuildArgs,
  buildxEnvironment,
  classicBuildArgs,
  defaultLabels,
  loginArgs,
  manifestInspectArgs,
  rawManifestArgs,
  fromCache,
  secretFlags,
} from '../../src/docker/args.js';
import { isTransientPushFailure } from '../../src/docker/retry.js';
import {
  exportedBlob,
  exportedImage,
  failedWhilePushing,
  storedInDocker,
  unknownFlagProblem,
} from '../../src/docker/buildx-output.js';
import {
  crossCheckDigest,
  crossCheckServed,
  digestFromPushOutput,
  parseRepoDigests,
  parseStoredImage,
} from '../../src/docker/digest.js';
import {
  configDigestOf,
  imageForPlatform,
  imageManifestsOf,
  parseBuildxMetadata,
  runnerPlatform,
  imagesFromManifestInspect,
  sha256Digest,
} from '../../src/docker/manifest.js';
import { parseImageReference, repositoryOf } from '../../src/docker/reference.js';
import { type BuildInputs, readInputs } from '../../src/inputs/index.js';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

/** Build inputs as the action reads them, with every default. */
function buildInputs(values: Record<string, string>, kind: 'buildx' | 'classic' = 'buildx') {
  return readInputs((name) => values[name] ?? '', {
    isDirectory: () => true,
    isFile: () => true,
    variables: {},
    builder: { kind, name: '' },
  }).build;
}

const build: BuildInputs = buildInputs({
  context: 'app',
  file: 'app/Dockerfile',
  tags: 'ghcr.io/acme/api:1.0, ghcr.io/acme/api:latest',
  'build-args': 'A=1\nB=x,y=z',
});
const files = { iidFile: '/t/iid', metadataFile: '/t/meta.json', secretFiles: {} };

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

  it('reads buildx metadata: a single manifest names its config, an index does not', () => {
    // Docker's documented example, and what buildx wrote here on the docker and remote drivers.
    expect(parseBuildxMetadata(fixture('buildx-metadata.json'))).toEqual({
      digest: 'sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3',
      configDigest: 'sha256:2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66',
      isIndex: false,
    });
    expect(parseBuildxMetadata(fixture('buildx-metadata-docker-driver.json'))).toMatchObject({
      configDigest: 'sha256:596b25c5a87bdb5c74c6ea0e06d85748e8d355c13af7740064d96903f2526d82',
      isIndex: false,
    });
    expect(parseBuildxMetadata(fixture('buildx-metadata-standalone.json'))).toEqual({
      digest: 'sha256:d70b8472f458fd6d4dace0bf9655e6458309140d69954a687ea797b893594466',
      configDigest: undefined,
      isIndex: true,
    });
    expect(parseBuildxMetadata('{"buildx.build.ref":"x"}').digest).toBeUndefined();
  });

  it('reads an index as the registry served it: images without attestations, each with its config', () => {
    const index = fixture('index-standalone.raw.json');
    const manifest = fixture('manifest-standalone.raw.json');
    // The bytes hash to the digests BuildKit reported: what the check against the registry relies on.
    expect(sha256Digest(index)).toBe(
      'sha256:d70b8472f458fd6d4dace0bf9655e6458309140d69954a687ea797b893594466',
    );
    expect(imageManifestsOf(index)).toEqual([
      {
        platform: 'linux/amd64',
        digest: 'sha256:ce8f17748610523f11df85097bf2e01967ce316b27df2fd371306e3db44b68f8',
      },
    ]);
    expect(sha256Digest(manifest)).toBe(imageManifestsOf(index)[0]!.digest);
    expect(configDigestOf(manifest)).toBe(
      'sha256:4086300f8aa09bf1223e683fa4a2792308aa7a5995989e2306bc3846b27256c8',
    );
  });

  it('reads every manifest of an index in one docker process, each checked against its digest', () => {
    const json = fixture('manifest-inspect-standalone.json');
    expect(imagesFromManifestInspect(json)).toEqual([
      {
        platform: 'linux/amd64',
        manifest: 'sha256:ce8f17748610523f11df85097bf2e01967ce316b27df2fd371306e3db44b68f8',
        config: 'sha256:4086300f8aa09bf1223e683fa4a2792308aa7a5995989e2306bc3846b27256c8',
      },
    ]);
    // Bytes that do not hash to the digest are refused, not read.
    const entries = JSON.parse(json) as { Raw: string }[];
    entries[0]!.Raw = Buffer.from('{"config":{"digest":"sha256:forged"}}').toString('base64');
    expect(() => imagesFromManifestInspect(JSON.stringify(entries))).toThrow(/other content/);
    // A single manifest: docker prints one object, read as the one image.
    expect(imagesFromManifestInspect(JSON.stringify(JSON.parse(json)[0]))).toEqual([
      expect.objectContaining({ config: imagesFromManifestInspect(json)[0]!.config }),
    ]);
    expect(() => imagesFromManifestInspect('{"Ref":"x"}')).toThrow(/other content/);
    expect(() => imagesFromManifestInspect('"x"')).toThrow(/not a manifest inspection/);
  });

  it('trusts plain http only for a registry on the loopback address, as dockerd does', () => {
    const ref = (registry: string) => `${registry}/acme/api@sha256:${'a'.repeat(64)}`;
    for (const registry of ['127.0.0.1:5000', 'localhost:5000', '127.1.2.3'])
      expect(manifestInspectArgs(ref(registry))).toEqual([
        'manifest',
        'inspect',
        '--verbose',
        '--insecure',
        ref(registry),
      ]);
    for (const registry of ['ghcr.io', 'registry.example.com:5000', '127.0.0.1.example.com'])
      expect(manifestInspectArgs(ref(registry))).not.toContain('--insecure');
  });

  it('reads what a check found from the metadata file, with where and why', () => {
    // What buildx v0.36.1 wrote on the standalone BuildKit v0.32.2 for `--call check`.
    const warnings = checkWarnings(fixture('buildx-metadata-check-warnings.json'));
    expect(warnings).toEqual([
      {
        rule: 'FromAsCasing',
        detail: "'as' and 'FROM' keywords' casing do not match",
        where: 'Dockerfile:1',
        url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
      },
      {
        rule: 'JSONArgsRecommended',
        detail:
          'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
        where: 'Dockerfile:5',
        url: 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/',
      },
    ]);
    expect(checkProblem(warnings!)).toBe(
      "check found 2 warnings: FromAsCasing (Dockerfile:1): 'as' and 'FROM' keywords' casing do not match; JSONArgsRecommended (Dockerfile:5): JSON arguments recommended for CMD to prevent unintended behavior related to OS signals",
    );
    // A clean check ("warnings": null), a build's metadata, and no file.
    expect(checkWarnings(fixture('buildx-metadata-check-clean.json'))).toEqual([]);
    expect(checkWarnings(fixture('buildx-metadata-standalone.json'))).toBeUndefined();
    expect(checkWarnings(undefined)).toBeUndefined();
    expect(callMethod('check,format=json')).toBe('check');
    expect(callMethod('build')).toBe('');
  });

  it('names the input when buildx is too old for its flag', () => {
    // What buildx v0.10.4 printed here for annotations and call.
    expect(
      unknownFlagProblem("unknown flag: --annotation\nSee 'docker buildx build --help'."),
    ).toBe(
      'Input "annotations": this buildx does not know --annotation (buildx 0.12 or later has it)',
    );
    expect(unknownFlagProblem('unknown flag: --call')).toMatch(/^Input "call": .*buildx 0\.15/);
    expect(unknownFlagProblem('unknown flag: --bogus')).toBeUndefined();
  });

  it('reads the one image of a pushed index from BuildKit’s export lines, and nothing less sure', () => {
    // What buildx v0.36.1 printed on the standalone BuildKit v0.32.2 (plain progress); the RUN
    // step prints a line that looks like an export line, behind its time.
    const blobs = (name: string) =>
      fixture(name)
        .split('\n')
        .flatMap((line) => exportedBlob(line) ?? []);
    const single = blobs('buildx-progress-standalone.txt');
    const index = 'sha256:fad6422e449622100303ed23441ad574cbdf86db33b01d44ccb16f14a912c063';
    const image = {
      platform: '',
      // The registry serves this manifest in the index, naming this config.
      manifest: 'sha256:0ea9f48e57d904c104bfe0c74ce9e606ab4c2149bf24827f0bac3fdc189968be',
      config: 'sha256:b08c792d7a3d69057a4d7d0549d96cad73a4e79031dd359b16f6875e494135ab',
    };
    expect(single.map((b) => b.kind)).toEqual([
      'manifest',
      'config',
      'attestation manifest',
      'manifest list',
    ]);
    expect(exportedImage(single, index, '')).toEqual(image);
    expect(exportedImage(single, index, 'linux/amd64')).toEqual({
      ...image,
      platform: 'linux/amd64',
    });
    // A slow step prints a line as it starts and again when done: the same blob.
    const started = single.map((b) => ({ ...b }));
    expect(exportedImage([...started, ...single], index, '')).toEqual(image);
    // Another digest pushed, the lines cut short, or no lines (another progress mode).
    expect(exportedImage(single, `sha256:${'1'.repeat(64)}`, '')).toBeUndefined();
    expect(exportedImage(single.slice(1), index, '')).toBeUndefined();
    expect(exportedImage([], index, '')).toBeUndefined();
    // A single manifest pushed or loaded (no attestations; the containerd store's metadata names
    // no config digest): its own export step names the config.
    expect(exportedImage(single, image.manifest, '')).toEqual(image);
    // Two platforms: two images the lines do not tell apart.
    const two = blobs('buildx-progress-standalone-2-platforms.txt');
    const twoIndex = 'sha256:73834e222338f3bef6eabcf6dce2d3010d39bb51be26224dcae96b8493cd9ecd';
    expect(two.find((b) => b.kind === 'manifest list')?.digest).toBe(twoIndex);
    expect(exportedImage(two, twoIndex, '')).toBeUndefined();
    // A RUN step's output, an export line of another step.
    expect(exportedBlob(`#5 0.050 exporting config sha256:${'0'.repeat(64)} done`)).toBeUndefined();
    expect(
      exportedImage(
        [
          ...single.filter((b) => b.kind !== 'config'),
          { step: '5', kind: 'config', digest: image.config },
        ],
        index,
        '',
      ),
    ).toBeUndefined();
  });

  it('takes the runner’s platform from an index, any variant, else the first image', () => {
    const image = (platform: string) => ({ platform, manifest: platform, config: platform });
    const images = [image('linux/arm/v7'), image('linux/arm64/v8'), image('linux/amd64')];
    expect(imageForPlatform(images, 'linux/amd64')?.platform).toBe('linux/amd64');
    expect(imageForPlatform(images, 'linux/arm64')?.platform).toBe('linux/arm64/v8');
    expect(imageForPlatform(images, 'linux/s390x')?.platform).toBe('linux/arm/v7');
    expect(imageForPlatform([], 'linux/amd64')).toBeUndefined();
    expect(runnerPlatform('linux', 'x64')).toBe('linux/amd64');
    expect(runnerPlatform('linux', 'arm64')).toBe('linux/arm64');
    expect(runnerPlatform('win32', 'x64')).toBe('windows/amd64');
  });

  it('tells a failed push from a failed build in buildx’s last lines', () => {
    // What buildx printed here when the registry was down, on the remote and docker drivers.
    expect(
      failedWhilePushing(
        'ERROR: failed to solve: failed to push 127.0.0.1:5999/t/nd:1: failed to do request: Head "http://127.0.0.1:5999/v2/t/nd/blobs/sha256:7b9c": dial tcp 127.0.0.1:5999: connect: connection refused',
      ),
    ).toBe(true);
    expect(
      failedWhilePushing(
        ' > pushing 127.0.0.1:5999/t/nd:1 with docker:\n------\nERROR: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
      ),
    ).toBe(true);
    expect(
      failedWhilePushing(
        'ERROR: failed to solve: executor failed running [/bin/sh -c exit 3]: exit code: 3',
      ),
    ).toBe(false);
  });

  it('cross-checks the pushed digest against RepoDigests, in docker’s short names', () => {
    const d1 = `sha256:${'1'.repeat(64)}`;
    const d2 = `sha256:${'2'.repeat(64)}`;
    const repoDigests = parseRepoDigests([
      `acme/api@${d1}`,
      `ghcr.io/acme/api@${d2}`,
      `nginx@${d1}`,
    ]);
    expect(crossCheckDigest('docker.io/acme/api:1', d1, repoDigests)).toBeUndefined();
    expect(crossCheckDigest('docker.io/library/nginx:1', d1, repoDigests)).toBeUndefined();
    expect(crossCheckDigest('ghcr.io/acme/api:1', d2, repoDigests)).toBeUndefined();
    expect(crossCheckDigest('ghcr.io/acme/api:1', d1, repoDigests)).toMatch(/records sha256:2222/);
    expect(crossCheckDigest('quay.io/x/y:1', d1, repoDigests)).toMatch(/records no digest/);
  });

  it('tells the containerd image store from a graph driver store by what docker image inspect says', () => {
    const d1 = `sha256:${'1'.repeat(64)}`;
    // Docker 29.7.1, containerd store: a Descriptor, RepoDigests made from the local tags.
    const containerd = parseStoredImage(
      JSON.stringify({
        Id: d1,
        RepoDigests: [`127.0.0.1:5000/app@${d1}`],
        Descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d1 },
      }),
    );
    expect(containerd.containerdStore).toBe(true);
    expect(containerd.repoDigests.get('127.0.0.1:5000/app')).toEqual([d1]);
    // dockerd 20.10, overlay2: no Descriptor at all.
    expect(parseStoredImage(JSON.stringify({ Id: d1, RepoDigests: [] })).containerdStore).toBe(
      false,
    );
    expect(parseStoredImage(JSON.stringify({ Id: d1, Descriptor: null })).containerdStore).toBe(
      false,
    );
    expect(crossCheckServed('r/app:1', d1, d1)).toBeUndefined();
    expect(crossCheckServed('r/app:1', d1, `sha256:${'2'.repeat(64)}`)).toMatch(
      /printed sha256:1{64} for r\/app:1, but the registry serves sha256:2{64}/,
    );
  });

  it('knows from buildx’s lines when the result went into docker’s store', () => {
    // The docker driver (Docker 29 and 20.10), and another BuildKit's load.
    expect(storedInDocker('#7 naming to 127.0.0.1:5055/b1:load done')).toBe(true);
    expect(storedInDocker(`#7 writing image sha256:${'a'.repeat(64)} done`)).toBe(true);
    expect(storedInDocker('#8 importing to docker')).toBe(true);
    // A push from another BuildKit, and a RUN step's output, say neither.
    expect(
      storedInDocker('#7 pushing manifest for 127.0.0.1:5055/t/fx:1@sha256:ab 0.0s done'),
    ).toBe(false);
    expect(storedInDocker('#6 0.123 naming to the moon')).toBe(false);
  });
});

describe('builder choice', () => {
  /** A machine with these files, as the builder choice sees it. */
  function machine(
    files: Record<string, string>,
    platform: NodeJS.Platform = 'linux',
  ): PluginLookup {
    return {
      exists: (file) => file in files,
      read: (file) => files[file],
      homedir: platform === 'win32' ? 'C:\\Users\\ci' : '/home/ci',
      platform,
    };
  }
  const systemPlugin = { '/usr/libexec/docker/cli-plugins/docker-buildx': '' };

  it('uses buildx when its plugin is where docker looks, else the classic builder', () => {
    expect(chooseBuilder({}, machine({}))).toEqual({ kind: 'classic', name: '' });
    expect(chooseBuilder({}, machine(systemPlugin))).toEqual({ kind: 'buildx', name: '' });
    expect(
      chooseBuilder({}, machine({ '/home/ci/.docker/cli-plugins/docker-buildx': '' })).kind,
    ).toBe('buildx');
    expect(
      chooseBuilder({ DOCKER_CONFIG: '/cfg' }, machine({ '/cfg/cli-plugins/docker-buildx': '' }))
        .kind,
    ).toBe('buildx');
  });

  it('names the builder BUILDX_BUILDER names', () => {
    expect(chooseBuilder({ BUILDX_BUILDER: 'ci' }, machine(systemPlugin))).toEqual({
      kind: 'buildx',
      name: 'ci',
    });
  });

  it('finds buildx in config.json’s cliPluginsExtraDirs, and survives a broken config.json', () => {
    const extra = {
      '/home/ci/.docker/config.json': JSON.stringify({ cliPluginsExtraDirs: ['/opt/plugins'] }),
      '/opt/plugins/docker-buildx': '',
    };
    expect(chooseBuilder({}, machine(extra)).kind).toBe('buildx');
    expect(pluginFolders({}, machine(extra))).toEqual([
      '/home/ci/.docker/cli-plugins',
      '/opt/plugins',
      '/usr/local/lib/docker/cli-plugins',
      '/usr/local/libexec/docker/cli-plugins',
      '/usr/lib/docker/cli-plugins',
      '/usr/libexec/docker/cli-plugins',
    ]);
    expect(chooseBuilder({}, machine({ '/home/ci/.docker/config.json': '{not json' })).kind).toBe(
      'classic',
    );
  });

  it('finds buildx in Windows’ ProgramFiles and ProgramData plugin folders', () => {
    const env = { ProgramFiles: 'C:\\Program Files', ProgramData: 'C:\\ProgramData' };
    expect(
      chooseBuilder(
        env,
        machine({ 'C:\\Program Files\\Docker\\cli-plugins\\docker-buildx.exe': '' }, 'win32'),
      ).kind,
    ).toBe('buildx');
    expect(
      chooseBuilder(
        env,
        machine({ 'C:\\Program Files\\Docker\\cli-plugins\\docker-buildx': '' }, 'win32'),
      ).kind,
    ).toBe('classic');
  });

  it.each(['0', 'false', 'FALSE', 'False', 'f', 'F'])(
    'DOCKER_BUILDKIT=%s selects the classic builder, as docker parses it',
    (value) => {
      expect(chooseBuilder({ DOCKER_BUILDKIT: value }, machine(systemPlugin))).toEqual({
        kind: 'classic',
        name: '',
      });
    },
  );

  it.each(['1', 'true', 'TRUE', 't'])('DOCKER_BUILDKIT=%s keeps buildx', (value) => {
    expect(chooseBuilder({ DOCKER_BUILDKIT: value }, machine(systemPlugin))).toEqual({
      kind: 'buildx',
      name: '',
    });
    // Without buildx, docker itself says what is missing.
    expect(chooseBuilder({ DOCKER_BUILDKIT: value }, machine({}))).toEqual({
      kind: 'classic',
      name: '',
    });
  });

  it.each(['no', 'off', 'yes', '2'])('DOCKER_BUILDKIT=%s is reported, not guessed', (value) => {
    expect(chooseBuilder({ DOCKER_BUILDKIT: value }, machine(systemPlugin)).problem).toMatch(
      new RegExp(`DOCKER_BUILDKIT: expected a boolean .*got "${value}"`),
    );
  });
});

describe('buildx builder and remote contexts', () => {
  it('names the builder on the build and on the registry read', () => {
    expect(buildxBuildArgs({ ...build, builder: 'ci' }, [], files).slice(0, 4)).toEqual([
      'buildx',
      'build',
      '--builder',
      'ci',
    ]);
    expect(rawManifestArgs('r/a@sha256:1', 'ci')).toEqual([
      'buildx',
      'imagetools',
      'inspect',
      '--builder',
      'ci',
      '--raw',
      'r/a@sha256:1',
    ]);
    expect(rawManifestArgs('r/a@sha256:1', '')).not.toContain('--builder');
  });

  it('passes no --file for a remote context without one, so docker reads the context’s own', () => {
    const git = { ...build, context: 'git://host/repo.git#main:app', file: '' };
    expect(buildxBuildArgs(git, [], files)).not.toContain('--file');
    expect(classicBuildArgs(git, [], files)).not.toContain('--file');
    expect(classicBuildArgs(git, [], files).at(-1)).toBe('git://host/repo.git#main:app');
  });

  it('stamps buildx builds with the commit time, unless the user set SOURCE_DATE_EPOCH', () => {
    const commit = new Date('2026-11-01T10:00:00Z');
    const epoch = (env: NodeJS.ProcessEnv, b = build) =>
      buildxEnvironment(b, commit, env).SOURCE_DATE_EPOCH;
    expect(epoch({})).toBe('1793527200');
    expect(buildxEnvironment(build, undefined, {}).SOURCE_DATE_EPOCH).toBeUndefined();
    expect(epoch({ SOURCE_DATE_EPOCH: '0' })).toBeUndefined();
    expect(epoch({}, { ...build, buildArgs: ['SOURCE_DATE_EPOCH=5'] })).toBeUndefined();
  });

  it('asks buildx for no provenance in the metadata file (the step reads none), unless the user set it', () => {
    expect(buildxEnvironment(build, undefined, {})).toEqual({
      BUILDX_METADATA_PROVENANCE: 'disabled',
    });
    expect(buildxEnvironment(build, undefined, { BUILDX_METADATA_PROVENANCE: 'max' })).toEqual({});
  });
});

describe('argv for build-push-action’s build inputs', () => {
  const everything = buildInputs({
    context: 'app',
    tags: 'r/a:1',
    ssh: 'default',
    'build-contexts': 'base=docker-image://alpine:3',
    provenance: 'false',
    sbom: 'true',
    attests: 'type=sbom',
    annotations: 'org.opencontainers.image.title=api',
    network: 'none',
    'add-hosts': 'db:10.0.0.5',
    'shm-size': '2g',
    ulimit: 'nofile=1024:2048',
    'cgroup-parent': '/ci',
    allow: 'network.host',
    'no-cache-filters': 'deps',
  });

  it('maps each input to its buildx flag', () => {
    const args = buildxBuildArgs(everything, [], files).join(' ');
    for (const flag of [
      '--ssh default',
      '--build-context base=docker-image://alpine:3',
      '--provenance false',
      '--sbom true',
      '--annotation org.opencontainers.image.title=api',
      '--network none',
      '--add-host db:10.0.0.5',
      '--shm-size 2g',
      '--ulimit nofile=1024:2048',
      '--cgroup-parent /ci',
      '--allow network.host',
      '--no-cache-filter deps',
    ])
      expect(args).toContain(flag);
  });

  it('gives the classic builder the flags docker build has, and no others', () => {
    const args = classicBuildArgs(everything, [], files).join(' ');
    expect(args).toContain('--network none --add-host db:10.0.0.5 --shm-size 2g');
    expect(args).toContain('--ulimit nofile=1024:2048 --cgroup-parent /ci');
    for (const flag of ['--ssh', '--secret', '--provenance', '--attest', '--allow'])
      expect(args).not.toContain(flag);
  });

  it('names no image id file next to a local or tar export, which buildx refuses', () => {
    const exporting = (outputs: string) =>
      buildxBuildArgs(buildInputs({ tags: 'r/a:1', push: 'false', outputs }), [], files);
    expect(exporting('type=local,dest=out')).not.toContain('--iidfile');
    expect(exporting('type=tar,dest=out.tar')).not.toContain('--iidfile');
    expect(exporting('out-folder')).not.toContain('--iidfile');
    expect(exporting('type=docker,name=x')).toContain('--iidfile');
  });

  it('lets provenance and sbom win over attests of the same type, as build-push-action does', () => {
    const args = buildxBuildArgs(
      buildInputs({
        tags: 'r/a:1',
        provenance: 'mode=max',
        attests: 'type=provenance,mode=min\ntype=sbom,generator=x',
      }),
      [],
      files,
    );
    expect(args.join(' ')).toContain('--provenance mode=max --attest type=sbom,generator=x');
    expect(args.join(' ')).not.toContain('type=provenance,mode=min');
  });

  it('passes secrets as files or variable names, never as values', () => {
    expect(
      secretFlags(
        [
          { id: 'npm', value: 'Planted-Secret-Value' },
          { id: 'cert', file: '/home/ci/certs,2024/ca.pem' },
          { id: 'token', variable: 'NPM_TOKEN' },
          { id: 'GIT_AUTH_TOKEN.github.com', value: 'ghs_x' },
        ],
        { npm: '/tmp/run/secret-0', 'GIT_AUTH_TOKEN.github.com': '/tmp/run/secret-1' },
      ),
    ).toEqual([
      '--secret',
      'id=npm,src=/tmp/run/secret-0',
      '--secret',
      // A comma in a path is quoted, as docker's CSV-style flag values need.
      'id=cert,"src=/home/ci/certs,2024/ca.pem"',
      '--secret',
      'id=token,env=NPM_TOKEN',
      '--secret',
      'id=GIT_AUTH_TOKEN.github.com,src=/tmp/run/secret-1',
    ]);
  });

  it('sends the result where asked: push, load, outputs, or nothing for an evaluation', () => {
    const flags = (values: Record<string, string>) =>
      buildxBuildArgs(buildInputs({ tags: 'r/a:1', ...values }), [], files).filter((arg) =>
        ['--push', '--load', '--output'].includes(arg),
      );
    expect(flags({})).toEqual(['--push']);
    expect(flags({ push: 'false' })).toEqual(['--load']);
    expect(flags({ push: 'false', outputs: 'type=local,dest=out' })).toEqual(['--output']);
    expect(flags({ push: 'false', call: 'check' })).toEqual([]);
    // Push and load: the push first; the load is a second run from the cache.
    const both = buildInputs({
      tags: 'r/a:1',
      load: 'true',
      'no-cache': 'true',
      pull: 'true',
      'no-cache-filters': 'final',
    });
    expect(flags({ load: 'true' })).toEqual(['--push']);
    const loadRun = buildxBuildArgs(fromCache(both, 'load'), [], files);
    expect(loadRun).toContain('--load');
    for (const flag of ['--push', '--no-cache', '--pull', '--no-cache-filter'])
      expect(loadRun).not.toContain(flag);
    const pushAgain = buildxBuildArgs(fromCache(both, 'push'), [], files);
    expect(pushAgain).toContain('--push');
    expect(pushAgain).not.toContain('--no-cache');
  });
});

describe('push retries', () => {
  // What docker and BuildKit printed here when a registry proxy answered with these errors.
  it.each([
    ['received unexpected HTTP status: 503 Service Unavailable', true],
    ['ERROR: toomanyrequests: flaky proxy: 429', true],
    [
      'ERROR: failed to solve: failed to push 127.0.0.1:1/f:1: failed commit on ref "manifest-sha256:00": unexpected status: 503 Service Unavailable',
      true,
    ],
    ['Put "http://127.0.0.1:4/v2/f/reset/manifests/1": EOF', true],
    ['dial tcp 127.0.0.1:5999: connect: connection refused', true],
    ['unauthorized: flaky proxy: 401', false],
    [
      'ERROR: failed to solve: failed to push 127.0.0.1:3/f:1: failed commit on ref "manifest-sha256:b2": unexpected status: 401 Unauthorized',
      false,
    ],
    ['denied: requested access to the resource is denied', false],
    ['manifest invalid: manifest invalid', false],
    ['ERROR: failed to solve: executor failed running [/bin/sh -c exit 3]: exit code: 3', false],
  ])('%s → tried again: %s', (ending, transient) => {
    expect(isTransientPushFailure(`abc: Pushed\nRetrying in 5 seconds\n${ending}`)).toBe(transient);
  });

  it('judges by the last lines, not by progress lines before them', () => {
    expect(isTransientPushFailure('503 earlier\n1\n2\n3\nunauthorized: no')).toBe(false);
  });
});
