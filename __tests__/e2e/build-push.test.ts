// Part 1 end to end: the committed bundle builds on the real dockerd and pushes to a real
// registry; the digest output must be what the registry then serves.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, errorAnnotations, runAction } from '../helpers/action.js';
import { BUILDER, CONTAINERD_STORE, REMOTE_BUILDKIT } from '../helpers/builders.js';
import {
  BUSYBOX_BASE,
  dockerCli,
  makeContext,
  pulledImageId,
  servedConfigDigest,
  uniqueName,
} from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';

let registry: Registry;
let context: string;

beforeAll(async () => {
  registry = await startRegistry();
  context = makeContext(
    `${BUSYBOX_BASE}ARG GREETING=hi\nARG SECOND=x\nRUN echo "$GREETING|$SECOND" > /greeting\n`,
  );
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

describe('build and push', () => {
  it('pushes several tags with build-args and reports the digest the registry serves', async () => {
    const repo = uniqueName('app');
    const tags = [`${registry.host}/${repo}:1.0.0`, `${registry.host}/${repo}:latest`];
    const run = await runAction({
      inputs: {
        context,
        tags: tags.join('\n'),
        'build-args': 'GREETING=hello, world=1\nSECOND=$(touch /tmp/pwned);`id`',
        labels: 'com.example.team=api',
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);

    const served = await registry.manifestDigest(repo, '1.0.0');
    expect(served).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.digest).toBe(served);
    expect(await registry.manifestDigest(repo, 'latest')).toBe(served);
    expect(run.outputs.image).toBe(`${registry.host}/${repo}@${served}`);
    expect(run.outputs.tags).toBe(tags.join('\n'));
    // The image id is the one docker gives the image: its config digest on a graph driver store,
    // the pushed digest itself on the containerd store (which names images by manifest or index).
    expect(run.outputs.imageid).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.imageid).toBe(pulledImageId(`${registry.host}/${repo}@${served}`));
    if (CONTAINERD_STORE && !REMOTE_BUILDKIT) expect(run.outputs.imageid).toBe(served);
    else expect(run.outputs.imageid).not.toBe(served);

    // The own BuildKit attaches a provenance attestation: an index. dockerd's BuildKit does when
    // dockerd keeps images in containerd (the default of new Docker 29 installs), not on overlay2.
    const isIndex = await registry.servesIndex(repo, '1.0.0');
    if (BUILDER.id === 'buildx-standalone') expect(isIndex).toBe(true);
    if (BUILDER.id === 'buildx-docker') expect(isIndex).toBe(CONTAINERD_STORE);
    if (!BUILDER.buildx) expect(isIndex).toBe(false);
    const metadata = JSON.parse(run.outputs.metadata!);
    expect(metadata).toMatchObject({
      digest: served,
      digestKind: isIndex ? 'index' : 'manifest',
      imageid: run.outputs.imageid,
      builder: BUILDER.buildx ? 'buildx' : 'docker',
      tags,
    });
    expect(metadata.durations.buildMs).toBeGreaterThan(0);
    if (isIndex) {
      // The image's manifest, which the registry serves, and its config digest; the build named
      // no platform, and BuildKit's lines do not either.
      expect(metadata.platforms).toEqual([
        {
          platform: '',
          manifest: expect.any(String),
          config: servedConfigDigest(run.outputs.image!),
        },
      ]);
      const manifest = metadata.platforms[0].manifest as string;
      expect(await registry.manifestDigest(repo, manifest)).toBe(manifest);
      expect(run.summary).toContain('| Index digest |');
      expect(run.summary).toContain('| Image ID |');
    } else {
      expect(metadata.platforms).toEqual([]);
      expect(run.summary).toContain('| Digest |');
    }

    // Build-args arrive as literal text: no shell ever saw them. The image id is what docker runs,
    // but for an image docker never held (the standalone builder's), named as a graph driver would.
    const local = REMOTE_BUILDKIT ? run.outputs.image! : run.outputs.imageid!;
    const greeting = dockerCli(['run', '--rm', local, '/bin/cat', '/greeting']);
    expect(greeting.trim()).toBe('hello, world=1|$(touch /tmp/pwned);`id`');

    // OCI labels from the run, next to the user's own.
    const labels = JSON.parse(
      dockerCli(['image', 'inspect', '--format', '{{json .Config.Labels}}', local]),
    );
    expect(labels).toMatchObject({
      'com.example.team': 'api',
      'org.opencontainers.image.source': 'https://github.com/acme/api',
      'org.opencontainers.image.revision': '3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3',
    });

    expect(run.summary).toContain('✅ pushed');
    expect(run.summary).toContain(served);
    expect(run.summary).toContain(
      '[3f2c1ab](https://github.com/acme/api/commit/3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3)',
    );
    expect(run.summary).toContain('https://github.com/acme/api/actions/runs/4242');
    expect(run.summary).not.toMatch(/^\s*[{[]"/m);
  });

  it('a fresh build pushed to three tags of one repository and a second repository: every tag serves the digest', async () => {
    // New layers for every tag at once is where concurrent pushes of one repository fail
    // ("blob unknown to registry"); the action must push them so that every tag lands.
    const fresh = makeContext(`${BUSYBOX_BASE}RUN head -c 300000 /dev/urandom > /noise\n`);
    const [a, b] = [uniqueName('fresh'), uniqueName('mirror')];
    const tags = [
      `${registry.host}/${a}:1`,
      `${registry.host}/${a}:1.0`,
      `${registry.host}/${a}:latest`,
      `${registry.host}/${b}:1`,
    ];
    const run = await runAction({
      inputs: { context: fresh, tags: tags.join(','), 'no-cache': 'true' },
    });
    fs.rmSync(fresh, { recursive: true, force: true });
    expect(run.exitCode, run.stdout).toBe(0);
    const digests = JSON.parse(run.outputs.metadata!).digests as Record<string, string>;
    for (const tag of tags) {
      const [repo, version] = tag.slice(registry.host.length + 1).split(':');
      expect(digests[tag]).toBe(await registry.manifestDigest(repo!, version!));
    }
    expect(run.outputs.digest).toBe(digests[tags[0]!]);
  });

  it('several platforms: an index whose images are each recorded, the image id the runner’s', async () => {
    const multi = makeContext('FROM scratch\nCOPY busybox /bin/busybox\n');
    const repo = uniqueName('multi');
    const run = await runAction({
      inputs: {
        context: multi,
        tags: `${registry.host}/${repo}:1`,
        platforms: 'linux/386,linux/amd64',
      },
    });
    fs.rmSync(multi, { recursive: true, force: true });
    if (!BUILDER.buildx) {
      expect(errorAnnotations(run)[0]).toMatch(/Input "platforms": needs docker buildx/);
      return;
    }
    if (BUILDER.id === 'buildx-docker' && !CONTAINERD_STORE) {
      // dockerd's graph driver store cannot hold several platforms (its containerd store can):
      // buildx says so, and the step fails.
      expect(errorAnnotations(run)[0]).toMatch(
        /^build failed: [\s\S]*Multi-platform build is not supported for the docker driver/,
      );
      return;
    }
    expect(run.exitCode, run.stdout).toBe(0);
    const served = await registry.manifestDigest(repo, '1');
    expect(run.outputs.digest).toBe(served);
    const metadata = JSON.parse(run.outputs.metadata!);
    expect(metadata.digestKind).toBe('index');
    expect(metadata.platforms.map((p: { platform: string }) => p.platform)).toEqual([
      'linux/386',
      'linux/amd64',
    ]);
    for (const image of metadata.platforms)
      expect(await registry.manifestDigest(repo, image.manifest)).toBe(image.manifest);
    const amd64 = metadata.platforms[1];
    expect(amd64.config).toBe(servedConfigDigest(`${registry.host}/${repo}@${served}`));
    expect(run.outputs.imageid).toBe(pulledImageId(`${registry.host}/${repo}@${served}`));
    expect(run.summary).toContain('image index of linux/386, linux/amd64');
    if (REMOTE_BUILDKIT) {
      // Only in the registry: the runner's image of the index.
      expect(run.outputs.imageid).toBe(amd64.config);
      expect(run.summary).toContain('| Image ID (linux/amd64) |');
    } else {
      // dockerd's containerd store holds the whole index, and names it by its digest.
      expect(run.outputs.imageid).toBe(served);
      expect(run.summary).toContain('| Image ID |');
    }
  });

  // Several platforms where the builder can push them (the own BuildKit), else one.
  const severalIfPossible = BUILDER.id === 'buildx-standalone' ? 'linux/386,linux/amd64' : '';
  it.each<[name: string, failing: string[], platforms: string]>([
    [
      'docker manifest fails: the index is read through buildx instead',
      ['manifest'],
      severalIfPossible,
    ],
    [
      'an index that cannot be read back: the push is still reported, the image id is not guessed',
      ['manifest', 'buildx imagetools'],
      severalIfPossible,
    ],
    // The classic builder takes no platforms input.
    ...(BUILDER.buildx
      ? [
          [
            'one platform: its image is taken from BuildKit’s export lines, nothing is read back',
            ['manifest', 'buildx imagetools'],
            'linux/amd64',
          ] satisfies [string, string[], string],
        ]
      : []),
  ])('%s', async (_name, failing, platforms) => {
    // A docker on which these commands fail, as when the registry goes away right after the push
    // (both), or when only buildkitd is told to trust the registry (docker manifest alone).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-readback-'));
    const log = path.join(dir, 'calls');
    const fails = failing.map((command) => `"${command}"`).join(' ');
    fs.writeFileSync(
      path.join(dir, 'docker'),
      `#!/bin/sh\nfor command in ${fails}; do case "$*" in "$command "*) echo "$*" >> ${log}; echo "ERROR: registry went away" >&2; exit 1;; esac; done\nPATH=${process.env.PATH} exec docker "$@"\n`,
      { mode: 0o755 },
    );
    const repo = uniqueName('unread');
    const run = await runAction({
      inputs: { context, tags: `${registry.host}/${repo}:1`, platforms },
      env: { PATH: `${dir}:${process.env.PATH}` },
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registry.manifestDigest(repo, '1'));
    const pinned = `${registry.host}/${repo}@${run.outputs.digest}`;
    if (!BUILDER.buildx) {
      // One manifest. dockerd's RepoDigests check it on a graph driver store; on the containerd
      // store only the registry can, and it went away: the push stands, unchecked, said so.
      expect(run.outputs.imageid).toBe(pulledImageId(pinned));
      if (!CONTAINERD_STORE) expect(calls).toBe('');
      else {
        expect(calls).toContain(`manifest inspect --verbose --insecure ${registry.host}/${repo}:1`);
        expect(annotations(run, 'warning').join('\n')).toMatch(
          /could not read it back from the registry to check it: [\s\S]*registry went away/,
        );
      }
      return;
    }
    if (!(await registry.servesIndex(repo, '1'))) {
      // A single manifest names its config: nothing to read back.
      expect(calls).toBe('');
      expect(run.outputs.imageid).toBe(pulledImageId(pinned));
      return;
    }
    if (!platforms.includes(',')) {
      // One image and its attestations: BuildKit's export lines name it.
      expect(calls).toBe('');
      expect(run.outputs.imageid).toBe(pulledImageId(pinned));
      expect(JSON.parse(run.outputs.metadata!).platforms).toEqual([
        { platform: platforms, manifest: expect.any(String), config: servedConfigDigest(pinned) },
      ]);
      if (platforms)
        expect(run.summary).toContain(
          REMOTE_BUILDKIT ? `| Image ID (${platforms}) |` : '| Image ID |',
        );
      return;
    }
    expect(calls).toContain(`manifest inspect --verbose --insecure ${pinned}`);
    if (failing.includes('buildx imagetools')) {
      expect(calls).toContain(`--raw ${pinned}`);
      expect(run.outputs.imageid ?? '').toBe('');
      expect(annotations(run, 'warning').join('\n')).toMatch(
        /could not read the index back for the image id: [\s\S]*registry went away/,
      );
    } else {
      expect(run.outputs.imageid).toBe(pulledImageId(pinned));
      const images = JSON.parse(run.outputs.metadata!).platforms as { config: string }[];
      expect(images.map((image) => image.config)).toContain(run.outputs.imageid);
      expect(annotations(run, 'warning')).toEqual([]);
    }
  });

  it('with push: false builds and tags locally, pushes nothing and outputs no digest', async () => {
    const repo = uniqueName('local');
    const tag = `${registry.host}/${repo}:dev`;
    const run = await runAction({ inputs: { context, tags: tag, push: 'false' } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest ?? '').toBe('');
    expect(run.outputs.imageid).toMatch(/^sha256:/);
    expect(dockerCli(['image', 'inspect', '--format', '{{.Id}}', tag]).trim()).toBe(
      run.outputs.imageid,
    );
    await expect(registry.manifestDigest(repo, 'dev')).rejects.toThrow(/404/);
    expect(run.stdout).not.toContain('docker push');
    expect(run.summary).toContain('not pushed');
  });

  it('a failing Dockerfile fails the build stage with docker’s own last lines', async () => {
    const broken = makeContext(
      `${BUSYBOX_BASE}RUN echo "compiling…" && echo "error: missing semicolon" >&2 && exit 3\n`,
    );
    const repo = uniqueName('broken');
    const run = await runAction({
      inputs: { context: broken, tags: `${registry.host}/${repo}:x` },
    });
    fs.rmSync(broken, { recursive: true, force: true });
    expect(run.exitCode).not.toBe(0);
    const [error] = errorAnnotations(run);
    expect(error).toMatch(/^build failed: docker (buildx )?build failed with exit code \d+\n/);
    expect(error).toContain('error: missing semicolon');
    expect(run.outputs.digest ?? '').toBe('');
    expect(run.summary).toContain('❌ build failed');
    expect(run.summary).toContain('missing semicolon');
    await expect(registry.manifestDigest(repo, 'x')).rejects.toThrow(/404/);
  });

  it('DOCKER_BUILD_SUMMARY=false leaves the build out of the job summary, and build-summary: false too; a failure still shows', async () => {
    const repo = uniqueName('quiet');
    const pushed = await runAction({
      inputs: { context, tags: `${registry.host}/${repo}:1` },
      env: { DOCKER_BUILD_SUMMARY: 'false' },
    });
    expect(pushed.exitCode, pushed.stdout).toBe(0);
    expect(pushed.outputs.digest).toBe(await registry.manifestDigest(repo, '1'));
    expect(pushed.summary).toBe('');
    // The input wins over the variable.
    const shown = await runAction({
      inputs: { context, tags: `${registry.host}/${repo}:1`, 'build-summary': 'true' },
      env: { DOCKER_BUILD_SUMMARY: 'false' },
    });
    expect(shown.summary).toMatch(/^## ✅ pushed /);

    const broken = makeContext(`${BUSYBOX_BASE}RUN echo "quiet failure" && exit 3\n`);
    const failed = await runAction({
      inputs: { context: broken, tags: `${registry.host}/${repo}:2`, 'build-summary': 'false' },
    });
    fs.rmSync(broken, { recursive: true, force: true });
    expect(failed.exitCode).toBe(1);
    expect(failed.summary).toMatch(/^### What failed\n/);
    expect(failed.summary).toContain('quiet failure');
    expect(failed.summary).not.toContain('| Image |');
  });

  it('builds a named target stage from a Dockerfile outside the context', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-file-'));
    const dockerfile = path.join(dir, 'Custom.Dockerfile');
    fs.writeFileSync(
      dockerfile,
      `${BUSYBOX_BASE}RUN echo one > /stage\nFROM scratch AS other\nCOPY busybox /other\n`,
    );
    const run = await runAction({
      inputs: { context, file: dockerfile, target: 'other', push: 'false' },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.exitCode, run.stdout).toBe(0);
    const files = dockerCli([
      'image',
      'inspect',
      '--format',
      '{{len .RootFS.Layers}}',
      run.outputs.imageid!,
    ]);
    expect(files.trim()).toBe('1');
  });
});
