// docker/build-push-action's build inputs on each builder: secrets that reach a RUN step and are
// stored nowhere, provenance, load with push, the network inputs, build contexts, the builder
// input and SBOM attestations. The classic builder takes the inputs `docker build` has and
// rejects the rest before anything runs.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, errorAnnotations, runAction, RUNNER_GRACE_MS } from '../helpers/action.js';
import { BUILDER, CONTAINERD_STORE, STANDALONE } from '../helpers/builders.js';
import {
  BUSYBOX_BASE,
  dockerCli,
  localImageId,
  makeContext,
  pulledImageId,
  servedConfigDigest,
  uniqueName,
} from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets } from '../helpers/secrets.js';
import { emailInputs, type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';

const NEEDS_BUILDX = /needs docker buildx/;

let registry: Registry;
let sendgrid: SendGridServer;
const SENDGRID_TOKEN = 'SG.build-inputs-token';

beforeAll(async () => {
  // One after the other, so a failure leaves nothing running that afterAll cannot stop.
  registry = await startRegistry();
  sendgrid = await startSendGrid(SENDGRID_TOKEN);
});
afterAll(async () => {
  await Promise.all([registry?.stop(), sendgrid?.stop()]);
});

/** dockerd's own BuildKit before Docker 23 (dockerd 20.10 here) lacks newer Dockerfile features. */
function oldDockerdBuildKit(): boolean {
  if (BUILDER.id !== 'buildx-docker') return false;
  const version = dockerCli(['version', '--format', '{{.Server.Version}}']).trim();
  return Number(version.split('.')[0]) < 23;
}

/**
 * An SBOM generator of our own, pushed to the test registry (Docker's own scanner is on Docker
 * Hub): BuildKit runs its command with the image's files at BUILDKIT_SCAN_SOURCE and takes the
 * in-toto statement it writes into BUILDKIT_SCAN_DESTINATION (BuildKit's frontend/attestations/sbom).
 */
async function sbomGenerator(): Promise<string> {
  const statement = JSON.stringify({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://spdx.dev/Document',
    predicate: { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'bpn-test-sbom' },
  });
  const context = makeContext(
    `${BUSYBOX_BASE}COPY statement.json /statement.json\nCMD ["/bin/sh", "-c", "cp /statement.json \\"$BUILDKIT_SCAN_DESTINATION/sbom.spdx.json\\""]\n`,
    { 'statement.json': statement },
  );
  const image = `${registry.host}/${uniqueName('sbom-generator')}:1`;
  try {
    dockerCli([
      'buildx',
      'build',
      '--builder',
      STANDALONE,
      '--provenance=false',
      '--push',
      '--tag',
      image,
      context,
    ]);
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  return image;
}

/** The in-toto predicate types of the attestation manifest an index carries (none for a manifest). */
async function attestationPredicates(repo: string, digest: string): Promise<string[]> {
  interface Descriptor {
    digest: string;
    annotations?: Record<string, string>;
  }
  const index = (await registry.manifest(repo, digest)) as { manifests?: Descriptor[] };
  const attestation = index.manifests?.find(
    (m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
  );
  if (!attestation) return [];
  const manifest = (await registry.manifest(repo, attestation.digest)) as { layers: Descriptor[] };
  return manifest.layers.map((layer) => layer.annotations?.['in-toto.io/predicate-type'] ?? '');
}

/** Runs the action on a fresh context (a unique step, so no cached result hides a failure). */
async function build(dockerfile: string, inputs: Record<string, string>, env = {}) {
  const context = makeContext(
    `${BUSYBOX_BASE}RUN echo ${uniqueName('step')} > /step\n${dockerfile}`,
  );
  const repo = uniqueName('inputs');
  try {
    const run = await runAction({
      inputs: { context, tags: `${registry.host}/${repo}:1`, ...inputs },
      env,
    });
    return { run, repo, context };
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

describe('build secrets', () => {
  const SECRET = 'Planted-Build-Secret-6c1e';
  const FILE_SECRET = 'Planted-File-Secret-93d0';
  const ENV_SECRET = 'Planted-Env-Secret-2a7b';
  const BUILD_ARG = 'Planted-Build-Arg-Not-A-Secret-44f1';
  const dockerfile = `ARG VISIBLE=unset
RUN --mount=type=secret,id=npm_token,required=true --mount=type=secret,id=from_file,required=true --mount=type=secret,id=from_env,required=true \\
    wc -c < /run/secrets/npm_token > /len-token && wc -c < /run/secrets/from_file > /len-file && wc -c < /run/secrets/from_env > /len-env && echo "$VISIBLE" > /visible
`;

  it('reach the RUN step that requires them, and are in no log, output, summary, email or blob', async () => {
    const secretFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-secret-')), 'token');
    fs.writeFileSync(secretFile, FILE_SECRET);
    const secretInputs = {
      secrets: `npm_token=${SECRET}`,
      'secret-files': `from_file=${secretFile}`,
      'secret-envs': 'from_env=BPN_ENV_SECRET',
    };
    const mail = {
      'sendgrid-token': SENDGRID_TOKEN,
      'sendgrid-api-url': sendgrid.url,
      mail: 'dev@example.com',
      from: 'ci@example.com',
    };
    const withSecrets = await build(
      dockerfile,
      { ...secretInputs, ...mail, 'build-args': `VISIBLE=${BUILD_ARG}` },
      { BPN_ENV_SECRET: ENV_SECRET },
    );
    fs.rmSync(path.dirname(secretFile), { recursive: true, force: true });
    const { run, repo } = withSecrets;
    if (!BUILDER.buildx) {
      for (const name of Object.keys(secretInputs))
        expect(errorAnnotations(run)[0]).toMatch(
          new RegExp(`Input "${name}": needs docker buildx`),
        );
      return;
    }
    expect(run.exitCode, run.stdout).toBe(0);

    // The values reached the step: it recorded their lengths.
    const image = `${registry.host}/${repo}@${run.outputs.digest}`;
    pulledImageId(image);
    const lengths = dockerCli([
      'run',
      '--rm',
      image,
      '/bin/cat',
      '/len-token',
      '/len-file',
      '/len-env',
    ]);
    expect(lengths.split('\n').filter(Boolean).map(Number)).toEqual([
      SECRET.length,
      FILE_SECRET.length,
      ENV_SECRET.length,
    ]);

    // Masked in the log, and nowhere else: log, outputs, summary, the email, every blob.
    for (const secret of [SECRET, FILE_SECRET, ENV_SECRET])
      expect(run.stdout).toContain(`::add-mask::${secret}`);
    expect(leakedSecrets(run, [SECRET, FILE_SECRET, ENV_SECRET])).toEqual([]);
    const email = JSON.stringify(sendgrid.received.at(-1)!.body);
    const blobs = Buffer.concat(await registry.everything(repo, run.outputs.digest!)).toString(
      'latin1',
    );
    for (const secret of [SECRET, FILE_SECRET, ENV_SECRET]) {
      expect(email).not.toContain(secret);
      expect(blobs).not.toContain(secret);
    }
    // Unlike a build-arg, which the image's history keeps for anyone who pulls it.
    expect(blobs).toContain(BUILD_ARG);
    // The files the values were written to are gone with the step.
    expect(run.leftovers).toEqual([]);
  });

  it('a cancelled run (SIGINT mid-build) leaves no secret file behind', async () => {
    const context = makeContext(
      `${BUSYBOX_BASE}RUN echo ${uniqueName('cancel')} && echo "cancel""-me" && sleep 10\n`,
    );
    const run = await runAction({
      inputs: {
        context,
        tags: `${registry.host}/${uniqueName('cancel')}:1`,
        ...(BUILDER.buildx ? { secrets: `npm_token=${SECRET}` } : {}),
      },
      // The RUN step's own output, so the build is under way.
      interrupt: { when: /cancel-me/, signal: 'SIGINT' },
    });
    fs.rmSync(context, { recursive: true, force: true });
    expect(run.exitCode).not.toBe(0);
    // It stopped the build rather than waiting out the RUN step's 10 s: timed from the signal, as
    // the runner times it (how long the build took to get there depends on the machine's load).
    expect(run.interruptedAfterMs).toBeDefined();
    expect(run.durationMs - run.interruptedAfterMs!).toBeLessThan(RUNNER_GRACE_MS);
    expect(run.leftovers).toEqual([]);
  });

  it('a RUN step that requires a secret fails without it', async () => {
    const { run } = await build(dockerfile, {});
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run)[0]).toMatch(/^build failed: [\s\S]*(secret|npm_token)/i);
  });
});

describe('attestations and where the result goes', () => {
  it('provenance: false pushes a plain manifest', async () => {
    const { run, repo } = await build('', { provenance: 'false' });
    if (!BUILDER.buildx) {
      expect(errorAnnotations(run)[0]).toMatch(/Input "provenance": needs docker buildx/);
      return;
    }
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await registry.servesIndex(repo, '1')).toBe(false);
    expect(JSON.parse(run.outputs.metadata!).digestKind).toBe('manifest');
    expect(run.outputs.imageid).toBe(
      pulledImageId(`${registry.host}/${repo}@${run.outputs.digest}`),
    );
  });

  it('provenance and sbom on and off: the digest is what the registry serves, the image id docker’s (or the config digest), the attestations those asked for', async () => {
    // dockerd's BuildKit takes attestations only when dockerd keeps images in containerd.
    const attests =
      BUILDER.id === 'buildx-standalone' || (BUILDER.id === 'buildx-docker' && CONTAINERD_STORE);
    if (!attests) {
      const { run } = await build('', { provenance: 'mode=max' });
      expect(errorAnnotations(run)[0]).toMatch(
        BUILDER.buildx
          ? /^build failed: [\s\S]*Attestation is not supported for the docker driver/
          : /Input "provenance": needs docker buildx/,
      );
      return;
    }
    const generator = await sbomGenerator();
    const cases: [Record<string, string>, string[], Record<string, string>?][] = [
      [{ provenance: 'false' }, []],
      [{}, ['https://slsa.dev/provenance/v1']],
      // buildx's own switch for the default provenance, read by buildx itself.
      [{}, [], { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' }],
      [{ provenance: 'mode=max' }, ['https://slsa.dev/provenance/v1']],
      [{ provenance: 'false', sbom: `generator=${generator}` }, ['https://spdx.dev/Document']],
      [
        { sbom: `generator=${generator}` },
        ['https://spdx.dev/Document', 'https://slsa.dev/provenance/v1'],
      ],
    ];
    for (const [inputs, predicates, env] of cases) {
      const { run, repo } = await build('', inputs, env);
      const label = JSON.stringify({ ...inputs, ...env });
      expect(run.exitCode, `${label}\n${run.stdout}`).toBe(0);
      const served = await registry.manifestDigest(repo, '1');
      const pinned = `${registry.host}/${repo}@${served}`;
      expect(run.outputs.digest, label).toBe(served);
      expect(run.outputs.imageid, label).toBe(pulledImageId(pinned));
      const metadata = JSON.parse(run.outputs.metadata!);
      expect(metadata.digestKind, label).toBe(predicates.length > 0 ? 'index' : 'manifest');
      expect(await attestationPredicates(repo, served), label).toEqual(predicates);
      if (predicates.length > 0)
        // Only the image is listed; its attestation manifest is not an image.
        expect(metadata.platforms, label).toEqual([
          { platform: '', manifest: expect.any(String), config: servedConfigDigest(pinned) },
        ]);
    }
    // Not pushed: the image docker holds, under the id docker gives it (an index of the image and
    // its provenance on dockerd's containerd store; one image loaded from another BuildKit).
    const { run, repo } = await build('', { push: 'false' });
    expect(run.exitCode, run.stdout).toBe(0);
    const tag = `${registry.host}/${repo}:1`;
    expect(run.outputs.imageid).toBe(localImageId(tag));
    if (!CONTAINERD_STORE) return; // overlay2 describes no manifest
    const kind = dockerCli(['image', 'inspect', '--format', '{{.Descriptor.mediaType}}', tag]);
    expect(kind.trim()).toBe(
      BUILDER.id === 'buildx-docker'
        ? 'application/vnd.oci.image.index.v1+json'
        : 'application/vnd.oci.image.manifest.v1+json',
    );
  });

  it('load with push: the image in docker is the one in the registry', async () => {
    // A final stage never taken from the cache (buildx): the load must not rebuild it.
    const context = makeContext(
      `FROM scratch AS final\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nRUN cat /proc/sys/kernel/random/uuid > /uuid\n`,
    );
    const repo = uniqueName('load');
    const tag = `${registry.host}/${repo}:1`;
    const run = await runAction({
      inputs: {
        context,
        tags: tag,
        load: 'true',
        // (buildx takes one or the other)
        ...(BUILDER.buildx ? { 'no-cache-filters': 'final' } : { 'no-cache': 'true' }),
      },
    });
    fs.rmSync(context, { recursive: true, force: true });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registry.manifestDigest(repo, '1'));
    const loaded = dockerCli(['image', 'inspect', '--format', '{{.Id}}', tag]).trim();
    expect(loaded).toBe(run.outputs.imageid);
    const loadedUuid = dockerCli(['run', '--rm', tag, '/bin/cat', '/uuid']);
    const pushed = `${registry.host}/${repo}@${run.outputs.digest}`;
    pulledImageId(pushed);
    expect(dockerCli(['run', '--rm', pushed, '/bin/cat', '/uuid'])).toBe(loadedUuid);
  });

  it('outputs: type=local writes the image’s files to a folder instead of loading it', async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-out-'));
    const { run } = await build('RUN echo exported > /exported\n', {
      push: 'false',
      outputs: `type=local,dest=${dest}`,
    });
    const exported = fs.existsSync(path.join(dest, 'exported'))
      ? fs.readFileSync(path.join(dest, 'exported'), 'utf8')
      : undefined;
    fs.rmSync(dest, { recursive: true, force: true });
    if (!BUILDER.buildx) {
      expect(errorAnnotations(run)[0]).toMatch(/Input "outputs": needs docker buildx/);
      return;
    }
    expect(run.exitCode, run.stdout).toBe(0);
    expect(exported).toBe('exported\n');
    expect(run.stdout).not.toContain('--load');
  });

  it('sbom: true asks for Docker’s scanner, which comes from Docker Hub: here the build stage fails with the builder’s reason', async () => {
    const { run } = await build('', { sbom: 'true' });
    if (!BUILDER.buildx) {
      expect(errorAnnotations(run)[0]).toMatch(/Input "sbom": needs docker buildx/);
      return;
    }
    expect(run.stdout).toMatch(/\[command\]\S*docker buildx build .* --sbom true /);
    // No Docker Hub here: the own BuildKit, and dockerd's on its containerd store, cannot pull the
    // scanner; buildx's docker driver refuses attestations on a graph driver store. (An SBOM made by a generator from a
    // reachable registry is the test above.)
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run)[0]).toMatch(
      BUILDER.id === 'buildx-docker' && !CONTAINERD_STORE
        ? /^build failed: [\s\S]*Attestation is not supported for the docker driver/
        : /^build failed: [\s\S]*docker\/buildkit-syft-scanner/,
    );
  });
});

describe('evaluations (call): nothing is built, and a check says what it found', () => {
  const check = (dockerfile: string) =>
    build(dockerfile, { push: 'false', call: 'check', ...emailInputs(sendgrid, SENDGRID_TOKEN) });

  it('a clean check succeeds as "checked", with no image id; one that finds a warning fails naming it', async () => {
    const clean = await check('');
    if (!BUILDER.buildx) {
      expect(errorAnnotations(clean.run)[0]).toMatch(/Input "call": needs docker buildx/);
      return;
    }
    if (oldDockerdBuildKit()) {
      // dockerd 20.10's BuildKit has no lint request; buildx would fetch a newer Dockerfile
      // frontend from Docker Hub, which is not reachable here.
      expect(errorAnnotations(clean.run)[0]).toMatch(
        /^build failed: [\s\S]*unsupported request frontend\.lint/,
      );
      return;
    }
    expect(clean.run.exitCode, clean.run.stdout).toBe(0);
    expect(clean.run.stdout).toMatch(/\[command\]\S*docker buildx build .* --call check /);
    expect(clean.run.outputs.imageid).toBe('');
    expect(clean.run.outputs.digest).toBeUndefined();
    expect(JSON.parse(clean.run.outputs.metadata!)).toMatchObject({ call: 'check', warnings: [] });
    expect(clean.run.summary).toContain('## ✅ checked <code>');
    expect(clean.run.summary).toContain(': no warnings (nothing built)');
    expect(sendgrid.received.at(-1)!.body.subject).toMatch(/^✅ checked /);

    const warned = await check('CMD echo hi\n');
    expect(warned.run.exitCode).toBe(1);
    expect(errorAnnotations(warned.run)[0]).toMatch(
      /^build failed: check found 1 warning: JSONArgsRecommended \(Dockerfile:\d+\): JSON arguments recommended for CMD/,
    );
    expect(JSON.parse(warned.run.outputs.metadata!).warnings).toEqual([
      expect.objectContaining({ rule: 'JSONArgsRecommended' }),
    ]);
    expect(warned.run.summary).toContain('## ❌ check found 1 warning');
    expect(sendgrid.received.at(-1)!.body.subject).toMatch(/^❌ check found 1 warning: /);
  });
});

describe('networking of RUN steps', () => {
  let server: http.Server;
  let port: number;
  // The machine's own address: reachable from a RUN step on a bridge and on the host network.
  const hostAddress = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('fetched from the host\n'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fetching = () => `RUN wget -q -O /fetched http://probe:${port}/\n`;

  it('add-hosts resolves inside RUN; network: none makes a RUN that needs the network fail', async () => {
    expect(hostAddress, 'a non-loopback IPv4 address to serve the RUN step from').toBeDefined();
    const reached = await build(fetching(), { 'add-hosts': `probe:${hostAddress}` });
    expect(reached.run.exitCode, reached.run.stdout).toBe(0);
    const image = `${registry.host}/${reached.repo}@${reached.run.outputs.digest}`;
    pulledImageId(image);
    expect(dockerCli(['run', '--rm', image, '/bin/cat', '/fetched'])).toBe(
      'fetched from the host\n',
    );

    const cut = await build(fetching(), { 'add-hosts': `probe:${hostAddress}`, network: 'none' });
    expect(cut.run.exitCode).toBe(1);
    expect(errorAnnotations(cut.run)[0]).toMatch(/^build failed: [\s\S]*wget/);
  });

  it('shm-size, ulimit and cgroup-parent reach RUN steps where the builder takes them', async () => {
    const cgroup = uniqueName('/bpn-cgroup');
    const { run, repo } = await build(
      'RUN df -k /dev/shm | tail -1 > /shm && ulimit -n > /nofile && cat /proc/self/cgroup > /cgroup\n',
      { 'shm-size': '96m', ulimit: 'nofile=1234:1234', 'cgroup-parent': cgroup },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    const image = `${registry.host}/${repo}@${run.outputs.digest}`;
    pulledImageId(image);
    const read = (file: string) => dockerCli(['run', '--rm', image, '/bin/cat', file]);
    const [nofile, shm, cgroups] = [read('/nofile').trim(), read('/shm'), read('/cgroup')];
    // The classic builder takes all three. BuildKit here (0.11 and dockerd 20.10's) puts no RUN
    // under the cgroup parent, and dockerd 20.10's takes neither shm-size nor ulimit (the README
    // says so); a newer BuildKit may, so only the classic builder's cgroup is checked.
    if (!BUILDER.buildx) expect(cgroups).toContain(`${cgroup}/`);
    if (oldDockerdBuildKit()) {
      expect(nofile).not.toBe('1234');
      expect(shm).not.toMatch(/\b98304\b/);
      return;
    }
    expect(nofile).toBe('1234');
    expect(shm).toMatch(/\b98304\b/);
  });
});

describe('build contexts and builders', () => {
  it('build-contexts with a local folder feeds COPY --from', async () => {
    const extra = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-extra-'));
    fs.writeFileSync(path.join(extra, 'note.txt'), 'from the extra context\n');
    const { run, repo } = await build('COPY --from=extra note.txt /note.txt\n', {
      'build-contexts': `extra=${extra}`,
    });
    fs.rmSync(extra, { recursive: true, force: true });
    if (!BUILDER.buildx) {
      expect(errorAnnotations(run)[0]).toMatch(/Input "build-contexts": needs docker buildx/);
      return;
    }
    if (oldDockerdBuildKit()) {
      expect(errorAnnotations(run)[0]).toMatch(/unsupported frontend capability .*contexts/);
      return;
    }
    expect(run.exitCode, run.stdout).toBe(0);
    const image = `${registry.host}/${repo}@${run.outputs.digest}`;
    pulledImageId(image);
    expect(dockerCli(['run', '--rm', image, '/bin/cat', '/note.txt'])).toBe(
      'from the extra context\n',
    );
  });

  it('builder names the buildx builder, over BUILDX_BUILDER', async () => {
    if (!BUILDER.buildx) {
      const { run } = await build('', { builder: 'standalone' });
      expect(errorAnnotations(run)[0]).toMatch(NEEDS_BUILDX);
      return;
    }
    if (BUILDER.id === 'buildx-docker') {
      // A builder that does not exist: buildx says so.
      const { run } = await build('', { builder: 'no-such-builder' });
      expect(errorAnnotations(run)[0]).toMatch(/no-such-builder/);
      return;
    }
    const { run, repo } = await build('', { builder: 'standalone' }, { BUILDX_BUILDER: 'default' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/\[command\]\S*docker buildx build --builder standalone /);
    expect(run.summary).toContain('docker buildx build (builder <code>standalone</code>)');
    // The standalone BuildKit attaches provenance; dockerd 20.10's never does.
    expect(await registry.servesIndex(repo, '1')).toBe(true);
    expect(annotations(run, 'warning')).toEqual([]);
  });
});
