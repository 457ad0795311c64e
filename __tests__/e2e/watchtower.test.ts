// Deployment through real Watchtower: nicholas-fedor/watchtower (the maintained fork) and
// containrrr/watchtower 1.7.1, built from their Go modules, each a process on the engine of the
// running project, updating containers it really runs. Every outcome the action reports here is
// what the real server answered; what became of the container is read from docker, never from the
// answer. The stand-in (deploy.test.ts) stays for what a real server cannot be made to do.
//
// The registry listens on port 80 of a loopback address, so images are named as on a real
// registry, without a port: containrrr's 1.7.1 cuts image names at the first ":" and would
// never match `127.0.0.1:PORT/app`.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, errorAnnotations, runAction } from '../helpers/action.js';
import { BUILDER, CONTAINERD_STORE, ENGINE, REMOTE_BUILDKIT } from '../helpers/builders.js';
import { dockerCli, dockerOn, makeContext, uniqueName, VERSIONED_APP } from '../helpers/context.js';
import {
  closableDockerSocket,
  ENGINE_SOCKET,
  missingWatchtower,
  OTHER_ENGINE_SOCKET,
  type RealWatchtower,
  startRealWatchtower,
  type WatchtowerOptions,
} from '../helpers/real-watchtower.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { emailInputs, type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';
import { until } from '../helpers/wait.js';

const TOKEN = PLANTED.watchtowerToken;
/** A commit some hours old, so a rebuild pushes the same digest (provenance records the time). */
const COMMIT = { head_commit: { message: 'release', timestamp: '2026-11-01T10:00:00Z' } };
/** A commit made now: buildx stamps its time on the image, so the image is a new one. */
const commitOfNow = () => ({
  head_commit: { message: 'hotfix', timestamp: new Date().toISOString() },
});
const REPRODUCIBLE: Record<string, string> = BUILDER.buildx ? { provenance: 'false' } : {};
/**
 * Whether a build on this engine removes the image it replaces under a tag, even while a container
 * runs it: the buildx docker driver's does on the containerd store (moby/moby#48907, its fix
 * reverted in #50105). The fork cannot recreate a container whose image is gone, and skips it.
 */
const BUILD_DROPS_REPLACED_IMAGE = CONTAINERD_STORE && BUILDER.buildx && !REMOTE_BUILDKIT;
/** How long the slow containers take to stop: `sleep` as PID 1 ignores SIGTERM. */
const SLOW_STOP = '8s';
/** For the lock: longer than the action takes to build again before it asks. */
const SLOWER_STOP = '15s';

let registry: Registry;
let sendgrid: SendGridServer;
let context: string;
const started: RealWatchtower[] = [];
/** Containers the tests started, and the engine each runs on. */
const containers: { name: string; host: string }[] = [];

// Without the binaries (no Go here), one skipped test says so, and how to get them.
const missing = missingWatchtower();
if (missing) it.skip(`real Watchtower is not built here: ${missing}`, () => {});
const suite = describe.skipIf(Boolean(missing));

beforeAll(async () => {
  registry = await startRegistry(undefined, { portless: true });
  sendgrid = await startSendGrid(PLANTED.sendgridToken);
  // Stops at once on SIGTERM, unless a test runs `/bin/sleep` instead.
  context = makeContext(VERSIONED_APP);
});
afterAll(async () => {
  for (const { name, host } of containers) {
    try {
      dockerOn(host, ['rm', '-f', name]);
    } catch {
      // already gone
    }
  }
  await Promise.all(started.map((watchtower) => watchtower.stop()));
  await sendgrid?.stop();
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

async function watchtower(options: Omit<WatchtowerOptions, 'token'> & { token?: string }) {
  const running = await startRealWatchtower({ token: TOKEN, ...options });
  started.push(running);
  return running;
}

async function stopWatchtower(running: RealWatchtower): Promise<void> {
  await running.stop();
  started.splice(started.indexOf(running), 1);
}

/** The action building `VERSION=version` and pushing it to `tag`; deploying when `more` says where. */
function ship(tag: string, version: number, more: Record<string, string> = {}, event = COMMIT) {
  return runAction({
    inputs: {
      context,
      tags: tag,
      'build-args': `VERSION=${version}`,
      ...REPRODUCIBLE,
      ...(more['watchtower-url'] && { 'watchtower-token': TOKEN }),
      ...more,
    },
    event,
  });
}

/**
 * A pushed `VERSION=1` of a new repository, and a container running it that Watchtower watches,
 * on the project's engine (or `host`).
 */
async function runningVersion1(
  labels: Record<string, string> = {},
  command: string[] = [],
  host = ENGINE_SOCKET,
  { keepVersion1 = true, unique = false } = {},
): Promise<{ tag: string; repo: string; container: string }> {
  const repo = uniqueName('wt');
  const tag = `${registry.host}/${repo}:live`;
  // Reproducible, every test's version 1 is one image, unless built afresh with a commit of now.
  const pushed = unique
    ? await ship(tag, 1, { 'no-cache': 'true' }, commitOfNow())
    : await ship(tag, 1);
  expect(pushed.exitCode, pushed.stdout).toBe(0);
  // A deploy host keeps the image it runs when a pull replaces it; here the runner's builds land
  // on the host's engine too, so version 1 gets a second name where a build would remove it.
  if (keepVersion1 && BUILD_DROPS_REPLACED_IMAGE && host === ENGINE_SOCKET)
    dockerOn(host, ['tag', tag, `${registry.host}/${repo}:kept`]);
  const container = uniqueName('app');
  containers.push({ name: container, host });
  const labelFlags = Object.entries({
    'com.centurylinklabs.watchtower.enable': 'true',
    ...labels,
  }).flatMap(([name, value]) => ['--label', `${name}=${value}`]);
  dockerOn(host, ['run', '-d', '--name', container, ...labelFlags, tag, ...command]);
  return { tag, repo, container };
}

const versionIn = (container: string, host = ENGINE_SOCKET): string =>
  dockerOn(host, ['exec', container, '/bin/cat', '/version']).trim();
const containerId = (container: string): string =>
  dockerCli(['inspect', '--format', '{{.Id}}', container]).trim();
const state = (container: string): string =>
  dockerCli(['inspect', '--format', '{{.State.Status}}', container]).trim();

const hostResult = (run: { outputs: Record<string, string> }) =>
  JSON.parse(run.outputs['deploy-result']!)[0] as {
    status: string;
    httpStatus?: number;
    message: string;
    durationMs: number;
    counts?: Record<string, number>;
  };

suite('the maintained fork (nicholas-fedor/watchtower)', () => {
  let fork: RealWatchtower;
  beforeAll(async () => {
    fork = await watchtower({ flavour: 'fork' });
  });

  it('recreates the labelled container on the pushed digest; asked again, it scans it and updates nothing', async () => {
    expect(fork.version).toBe('v1.20.1');
    const { tag, repo, container } = await runningVersion1();
    const before = containerId(container);
    const run = await ship(tag, 2, {
      'watchtower-url': fork.url,
      ...emailInputs(sendgrid, PLANTED.sendgridToken),
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(leakedSecrets(run)).toEqual([]);
    const served = await registry.manifestDigest(repo, 'live');
    expect(run.outputs.digest).toBe(served);
    expect(run.outputs['deploy-status'], `${run.outputs['deploy-result']}\n${fork.log()}`).toBe(
      'deployed',
    );
    expect(hostResult(run)).toMatchObject({
      status: 'updated',
      httpStatus: 200,
      counts: { scanned: 1, updated: 1, failed: 0, skipped: 0 },
    });
    // Docker's own account: a new container, of the pushed image, running version 2.
    expect(containerId(container)).not.toBe(before);
    expect(versionIn(container)).toBe('2');
    // The image the action built (imageid), or where it only pushed (the standalone builder),
    // the one Watchtower pulled: on the containerd store docker names that by the pushed digest,
    // on overlay2 it records the pushed digest in RepoDigests.
    const image = dockerCli(['inspect', '--format', '{{.Image}}', container]).trim();
    expect(image).toBe(CONTAINERD_STORE && REMOTE_BUILDKIT ? served : run.outputs.imageid);
    if (!CONTAINERD_STORE)
      expect(dockerCli(['image', 'inspect', '--format', '{{json .RepoDigests}}', image])).toContain(
        `${repo}@${served}`,
      );
    expect(fork.log()).toMatch(/Started new container/);
    // A registry without a port: nothing to warn containrrr's users about.
    expect(annotations(run, 'warning')).toEqual([]);
    expect(run.summary).toContain(`| ${fork.url} | updated | 200 |`);
    const mail = sendgrid.received.at(-1)!.body;
    expect(mail.subject).toMatch(/^✅ pushed and deployed /);
    expect(mail.content![0]!.value).toContain(`${fork.url}: updated (HTTP 200`);

    // The same commit again: the same digest, which the container already runs.
    const again = await ship(tag, 2, { 'watchtower-url': fork.url });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.outputs.digest).toBe(served);
    const after = containerId(container);
    expect(hostResult(again)).toMatchObject({
      status: 'unconfirmed',
      counts: { scanned: 1, updated: 0, failed: 0 },
    });
    expect(again.outputs['deploy-status']).toBe('unconfirmed');
    expect(annotations(again, 'warning')[0]).toMatch(
      /^deploy unconfirmed on .*nothing updated; the containers run the pushed image already, or the host holds them back/,
    );
    expect(containerId(container)).toBe(after);
  });

  it('a monitor-only container: scanned, not updated, unconfirmed; it still runs the old image', async () => {
    const { tag, container } = await runningVersion1({
      'com.centurylinklabs.watchtower.monitor-only': 'true',
    });
    const run = await ship(tag, 2, { 'watchtower-url': fork.url });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(hostResult(run)).toMatchObject({
      status: 'unconfirmed',
      counts: { scanned: 1, updated: 0, failed: 0 },
    });
    expect(run.outputs['deploy-status']).toBe('unconfirmed');
    expect(annotations(run, 'warning')[0]).toMatch(/^deploy unconfirmed on .*nothing updated/);
    expect(run.summary).not.toMatch(/deployed/);
    expect(versionIn(container)).toBe('1');
    expect(fork.log()).toMatch(new RegExp(`Found new image.*container=${container}`));
  });

  // Only where a build removes the image it replaces (Docker 29, buildx docker driver).
  if (BUILD_DROPS_REPLACED_IMAGE)
    it('a build on the host itself removed the running image: the fork skips the container; deferred, and the warning says why', async () => {
      // Its own version 1: no other test's second name keeps that image.
      const { tag, container } = await runningVersion1({}, [], ENGINE_SOCKET, {
        keepVersion1: false,
        unique: true,
      });
      const version1 = dockerCli(['inspect', '--format', '{{.Image}}', container]).trim();
      const run = await ship(tag, 2, { 'watchtower-url': fork.url });
      expect(run.exitCode, run.stdout).toBe(0);
      // Docker's own account: the image the container runs is no more.
      expect(() => dockerCli(['image', 'inspect', version1])).toThrow();
      expect(hostResult(run), fork.log()).toMatchObject({
        status: 'deferred',
        counts: { scanned: 0, updated: 0, skipped: 1 },
      });
      expect(fork.log()).toMatch(/Failed to retrieve image info/);
      expect(annotations(run, 'warning')[0]).toMatch(
        /a container whose own image is gone from the host \(for one, on the containerd image store a buildx build on that host removes the image it replaces: moby\/moby#48907\)/,
      );
      expect(versionIn(container)).toBe('1');
    });

  it('an image cooldown: deferred, a warning, not a failure; the container waits', async () => {
    // A host that is not the runner (the other test engine), which has to pull the image.
    const away = await watchtower({ flavour: 'fork', dockerHost: OTHER_ENGINE_SOCKET });
    const { tag, container } = await runningVersion1(
      { 'com.centurylinklabs.watchtower.cooldown-delay': '1h' },
      [],
      OTHER_ENGINE_SOCKET,
    );
    // A commit made now: the image's creation time (buildx stamps the commit's) is seconds old.
    // Built afresh: a cached build is the image of an earlier run, as old as that run (seen
    // here: the fork then rightly let it through).
    const run = await ship(
      tag,
      2,
      { 'watchtower-url': away.url, 'no-cache': 'true' },
      commitOfNow(),
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(hostResult(run), away.log()).toMatchObject({
      status: 'deferred',
      counts: { scanned: 0, updated: 0, failed: 0, skipped: 1 },
    });
    expect(run.outputs['deploy-status']).toBe('unconfirmed');
    expect(annotations(run, 'warning')[0]).toMatch(
      /^deploy deferred on .*the host skipped 1 for now; a cooldown \(WATCHTOWER_COOLDOWN_DELAY/,
    );
    expect(versionIn(container, OTHER_ENGINE_SOCKET)).toBe('1');
    expect(away.log()).toMatch(new RegExp(`within cooldown period.*container=${container}`));
  });

  it('a host that runs none of the images: no-match, the step fails', async () => {
    const run = await ship(`${registry.host}/${uniqueName('nobody')}:live`, 1, {
      'watchtower-url': fork.url,
    });
    expect(run.exitCode).toBe(1);
    expect(hostResult(run)).toMatchObject({
      status: 'no-match',
      counts: { scanned: 0, updated: 0, failed: 0 },
    });
    expect(errorAnnotations(run)[0]).toMatch(
      /^deploy failed on .*scanned 0, updated 0, failed 0: no container here runs these images/,
    );
    expect(run.outputs.digest).toMatch(/^sha256:/);
  });

  it('a wrong token: 401, the token is named, the digest kept', async () => {
    const run = await ship(`${registry.host}/${uniqueName('token')}:live`, 1, {
      'watchtower-url': fork.url,
      'watchtower-token': 'not-the-token',
    });
    expect(run.exitCode).toBe(1);
    expect(hostResult(run)).toMatchObject({ status: 'failed', httpStatus: 401 });
    expect(errorAnnotations(run)[0]).toMatch(/token rejected \(HTTP 401\)/);
    expect(run.outputs.digest).toMatch(/^sha256:/);
  });

  it('watchtower-wait: false: 202, unconfirmed; the host updates the container on its own', async () => {
    const { tag, container } = await runningVersion1();
    const run = await ship(tag, 2, { 'watchtower-url': fork.url, 'watchtower-wait': 'false' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(hostResult(run)).toMatchObject({ status: 'unconfirmed', httpStatus: 202 });
    expect(hostResult(run).message).toMatch(/runs in the background/);
    await until(`${container} runs version 2`, () => {
      try {
        return versionIn(container) === '2' || undefined;
      } catch {
        return undefined; // between the old container and the new
      }
    });
  });
});

suite('the fork with slow containers (one that ignores SIGTERM takes 8 s to stop)', () => {
  let slow: RealWatchtower;
  beforeAll(async () => {
    slow = await watchtower({ flavour: 'fork', env: { WATCHTOWER_TIMEOUT: SLOW_STOP } });
  });

  it('while another update holds the lock, the action’s request waits for it, then finds nothing left to do', async () => {
    const lock = await watchtower({ flavour: 'fork', env: { WATCHTOWER_TIMEOUT: SLOWER_STOP } });
    const { tag, repo, container } = await runningVersion1({}, ['/bin/sleep', '600']);
    const pushed = await ship(tag, 2);
    expect(pushed.exitCode, pushed.stdout).toBe(0);
    // Another update of the image (another workflow's, or the host's poll, which takes the same
    // lock): it stops the container, slowly.
    const poll = fetch(`${lock.url}/v1/update?image=${registry.host}/${repo}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
    }).then((response) => response.json() as Promise<{ summary: Record<string, number> }>);
    await until(
      'the other update is stopping the container',
      () => new RegExp(`Stopping container.*container=${container}`).test(lock.log()) || undefined,
    );
    const run = await ship(tag, 2, { 'watchtower-url': lock.url });
    expect((await poll).summary).toMatchObject({ scanned: 1, updated: 1 });
    expect(run.exitCode, run.stdout).toBe(0);
    const result = hostResult(run);
    expect(result).toMatchObject({ status: 'unconfirmed', counts: { scanned: 1, updated: 0 } });
    // It waited for the poll (an answer without a wait takes some milliseconds).
    expect(result.durationMs).toBeGreaterThan(1000);
    expect(versionIn(container)).toBe('2');
  });

  it('an update longer than watchtower-timeout: the host stops at that limit and says so; the container is left stopped', async () => {
    const { tag, container } = await runningVersion1({}, ['/bin/sleep', '600']);
    // 6 s: time for the host's pull on a busy machine (2 s was not, in CI), and the stop, which
    // takes SLOW_STOP, still under way when the limit comes.
    const run = await ship(tag, 2, { 'watchtower-url': slow.url, 'watchtower-timeout': '6' });
    expect(run.exitCode).toBe(1);
    const result = hostResult(run);
    // The host's log says where the limit came, if not in the stop.
    expect(result, slow.log()).toMatchObject({
      status: 'failed',
      httpStatus: 200,
      counts: { scanned: 1, updated: 0, failed: 1 },
    });
    expect(result.durationMs).toBeLessThan(11_000);
    expect(errorAnnotations(run)[0]).toMatch(
      /the host stopped at the 6 s it was given \(watchtower-timeout\): a container it was replacing may be left stopped/,
    );
    expect(run.outputs.digest).toMatch(/^sha256:/);
    // What the message warns of: docker finishes the stop, and nothing starts the container.
    await until(`${container} has stopped`, () => state(container) === 'exited' || undefined);
  });

  it('an update longer than the host’s own limit (WATCHTOWER_HTTP_API_UPDATE_TIMEOUT): 408, explained', async () => {
    const limited = await watchtower({
      flavour: 'fork',
      env: { WATCHTOWER_TIMEOUT: SLOW_STOP, WATCHTOWER_HTTP_API_UPDATE_TIMEOUT: '2s' },
    });
    const { tag } = await runningVersion1({}, ['/bin/sleep', '600']);
    const run = await ship(tag, 2, { 'watchtower-url': limited.url });
    expect(run.exitCode).toBe(1);
    expect(hostResult(run)).toMatchObject({ status: 'failed', httpStatus: 408 });
    expect(errorAnnotations(run)[0]).toMatch(
      /the host stopped the update at its own limit \(HTTP 408: WATCHTOWER_HTTP_API_UPDATE_TIMEOUT/,
    );
  });
});

suite('a host whose docker goes away while Watchtower runs', () => {
  it.each(['fork', 'containrrr'] as const)(
    '%s: the action says what the host answered, and keeps the push',
    async (flavour) => {
      const { tag } = await runningVersion1();
      const socket = await closableDockerSocket();
      const host = await watchtower({ flavour, dockerHost: socket.host });
      await socket.close();
      const run = await ship(tag, 2, { 'watchtower-url': host.url });
      await stopWatchtower(host);
      expect(run.exitCode).toBe(flavour === 'fork' ? 1 : 0);
      expect(run.outputs.digest).toMatch(/^sha256:/);
      const result = hostResult(run);
      if (flavour === 'fork') {
        // Its scan failed; its answer is the one for "no container here".
        expect(host.log()).toMatch(/failed to list containers/);
        expect(result).toMatchObject({ status: 'no-match', httpStatus: 200 });
        expect(result.message).toMatch(/or the host could not list its containers/);
      } else {
        // Its handler panics: the connection closes without an answer, which cannot say what
        // became of the update.
        expect(host.log()).toMatch(/panic/);
        expect(result).toMatchObject({ status: 'unconfirmed' });
        expect(result.message).toMatch(
          /^took the request, then closed the connection without an answer \((ECONNRESET|EPIPE|socket hang up)\): it may or may not have updated; containrrr\/watchtower 1\.7\.1 does this when it cannot reach its docker/,
        );
      }
    },
  );
});

suite('containrrr/watchtower 1.7.1 (archived)', () => {
  it('recreates the container, answers an empty 200: unconfirmed, never deployed', async () => {
    const { tag, container } = await runningVersion1();
    const upstream = await watchtower({ flavour: 'containrrr' });
    try {
      expect(upstream.version).toBe('v1.7.1');
      // It inspects every running container of the engine, and one that another test removes
      // between its list and its inspect ends the scan in a panic, the connection dropped (seen
      // once in a full run here): asked again then, as a second workflow run would.
      let run = await ship(tag, 2, { 'watchtower-url': upstream.url });
      for (
        let retry = 1;
        retry < 3 && /closed the connection/.test(hostResult(run).message);
        retry++
      ) {
        expect(upstream.log()).toMatch(/panic/);
        run = await ship(tag, 2, { 'watchtower-url': upstream.url });
      }
      expect(run.exitCode, `${run.stdout}\n${upstream.log()}`).toBe(0);
      expect(hostResult(run)).toMatchObject({ status: 'unconfirmed', httpStatus: 200 });
      expect(run.outputs['deploy-status']).toBe('unconfirmed');
      expect(run.summary).toMatch(/^## ✅ pushed, deploy unconfirmed /);
      // What it did not say: docker shows it did update.
      expect(versionIn(container)).toBe('2');

      const wrong = await ship(tag, 2, {
        'watchtower-url': upstream.url,
        'watchtower-token': 'not-the-token',
      });
      expect(hostResult(wrong)).toMatchObject({ status: 'failed', httpStatus: 401 });
    } finally {
      await stopWatchtower(upstream);
    }
  });

  it(`pins Docker API 1.25: ${ENGINE.id === 'docker29' ? 'Docker 29 refuses it at start, so it needs DOCKER_API_VERSION' : 'dockerd 20.10 takes it'}`, async () => {
    const start = () =>
      startRealWatchtower({ flavour: 'containrrr', token: TOKEN, env: { DOCKER_API_VERSION: '' } });
    if (ENGINE.id === 'docker29') {
      await expect(start()).rejects.toThrow(/client version 1\.25 is too old/);
    } else {
      const upstream = await start();
      await upstream.stop();
    }
  });
});
