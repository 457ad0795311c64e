// Part 3 end to end, Swarm: the test daemon is made a single-node swarm on 127.0.0.1 (`docker
// swarm init`, left with `docker swarm leave --force` when this file ends), its
// services run images this file pushed to the loopback registry, and the action updates them
// with `docker service update`: real rollouts, a real rollback, Swarm's own answers.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from '../helpers/action.js';
import { BUILDER, tempDockerConfig } from '../helpers/builders.js';
import { BUSYBOX_BASE, dockerCli, makeContext, uniqueName } from '../helpers/context.js';
import { selfSignedTls } from '../helpers/http.js';
import { type LocalSwarm, localSwarm } from '../helpers/swarm.js';
import { freePort, type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { emailInputs, type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';
import { STEP_CASES } from '../hostile/step-cases.js';

const USER = 'swarm-ci';
const PASSWORD = 'Planted-Swarm-Registry-Secret-4d1e';

let registry: Registry;
let privateRegistry: Registry;
let sendgrid: SendGridServer;
let good: string;
let crashing: string;
let swarm: LocalSwarm;

beforeAll(async () => {
  swarm = localSwarm();
  registry = await startRegistry();
  privateRegistry = await startRegistry({ username: USER, password: PASSWORD });
  sendgrid = await startSendGrid(PLANTED.sendgridToken);
  // `sleep` as PID 1 ignores SIGTERM: each service stops its tasks after 1 s instead of 10.
  // A first step of this file's own: the classic builder takes the newest image a step made as
  // its cache, so another file's build of the same steps (a no-cache one) would otherwise change
  // what a re-run of a commit pushes here.
  const base = (marker: string): string =>
    BUSYBOX_BASE.replace('FROM scratch\n', `FROM scratch\nCOPY ${marker} /${marker}\n`);
  const own = { 'swarm-test-marker': uniqueName('swarm-test') };
  good = makeContext(
    `${base('swarm-test-marker')}ARG VERSION=1\nRUN echo "$VERSION" > /version\nCMD ["/bin/sleep", "600"]\n`,
    own,
  );
  // It crashes a second after it starts, as an app that fails on its configuration does. With
  // one that exited at once, a busy Docker 29 put it on both replicas before Swarm acted on the
  // first crash.
  crashing = makeContext(
    `${base('swarm-test-marker')}CMD ["/bin/sh", "-c", "sleep 1; exit 3"]\n`,
    own,
  );
});
afterAll(async () => {
  swarm?.leave();
  await sendgrid?.stop();
  await registry?.stop();
  await privateRegistry?.stop();
  for (const dir of [good, crashing]) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Reproducible pushes, so a re-run of a commit pushes the same digest: the image's `created`
 * label is the commit's time, and BuildKit's provenance attestation, which records the build's
 * time, is left out (see the README's reproducibility table), and the contexts start with a step
 * of this file's own (below).
 */
const COMMIT = { head_commit: { message: 'release', timestamp: '2026-11-01T10:00:00Z' } };
const REPRODUCIBLE: Record<string, string> = BUILDER.buildx ? { provenance: 'false' } : {};

/** Pushes `VERSION=1` with the action and returns its pinned `repository@digest`. */
async function pushFirstVersion(tag: string, inputs: Record<string, string> = {}): Promise<string> {
  const run = await runAction({ inputs: { context: good, tags: tag, ...inputs } });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  return run.outputs.image!;
}

/**
 * A replicated service running `image`, whose updates are rolled back when a task fails (Swarm's
 * own update policy, set by the team on the service); `flags` change that.
 */
function createService(image: string, replicas: number, flags: string[] = []): string {
  const name = uniqueName('svc');
  swarm.createService(name, image, {
    replicas,
    flags: ['--update-failure-action', 'rollback', '--rollback-monitor', '1s'],
  });
  // A test's own policy, set once the service runs (create would wait out a long monitor
  // period); a change of policy alone restarts no task.
  if (flags.length > 0) dockerCli(['service', 'update', '--quiet', '--detach', ...flags, name]);
  return name;
}

/**
 * A policy under which Swarm sees the crash before it touches the second replica: 3 s between
 * replicas (Swarm moves on once a new task runs, without waiting for the monitor), and Swarm's
 * default 5 s of watching each new task, which the crash falls in.
 */
const WATCH_THE_CRASH = ['--update-delay', '3s', '--update-monitor', '5s'];
/**
 * And a rollback that goes on when one of its tasks is cancelled: Swarm also restarts the crashed
 * task, and on Docker 29 it sometimes cancelled the rollback's task for that replica (`failed to
 * lookup digest: Canceled: context canceled`), which pauses a rollback under the default policy.
 */
const ROLL_BACK = [...WATCH_THE_CRASH, '--rollback-failure-action', 'continue'];

function serviceField(service: string, format: string): string {
  return dockerCli(['service', 'inspect', '--format', format, service]).trim();
}

/** docker commands still running that name `image` (the step's own, if any were left). */
function stepDockerCommands(image: string): string[] {
  try {
    return execFileSync('pgrep', ['-a', '-f', image], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The images of the service's running tasks, as `docker service ps` shows them. */
function runningImages(service: string): string[] {
  return dockerCli([
    'service',
    'ps',
    '--no-trunc',
    '--filter',
    'desired-state=running',
    '--format',
    '{{.Image}}',
    service,
  ])
    .trim()
    .split('\n');
}

const updatedAt = (service: string): string => serviceField(service, '{{.UpdatedAt}}');

interface ServiceOutput {
  kind: string;
  service: string;
  status: string;
  message: string;
  image: string;
  previousImage: string;
  replicas: { desired: number; running: number; onImage: number } | null;
}

const results = (outputs: Record<string, string>): ServiceOutput[] =>
  JSON.parse(outputs['deploy-result']!) as ServiceOutput[];

const withEmail = (): Record<string, string> => emailInputs(sendgrid, PLANTED.sendgridToken);

describe('deployment to Docker Swarm services', () => {
  it('rolls the digest out to two services at once, every running task on it; a re-run changes nothing', async () => {
    const repo = uniqueName('swarm');
    const tag = `${registry.host}/${repo}:live`;
    const first = await pushFirstVersion(tag);
    const web = createService(first, 2);
    const worker = createService(first, 1);
    const inputs = {
      context: good,
      tags: tag,
      'build-args': 'VERSION=2',
      ...REPRODUCIBLE,
      // Both forms: the first pushed repository, and one named.
      'swarm-services': `${web}\n${worker}=${registry.host}/${repo}`,
      ...withEmail(),
    };
    const run = await runAction({ inputs, event: COMMIT });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(leakedSecrets(run)).toEqual([]);
    const pinned = run.outputs.image!;
    expect(pinned).toBe(`${registry.host}/${repo}@${await registry.manifestDigest(repo, 'live')}`);
    expect(pinned).not.toBe(first);

    expect(run.outputs['deploy-status']).toBe('deployed');
    expect(results(run.outputs)).toEqual([
      expect.objectContaining({
        kind: 'swarm',
        service: web,
        status: 'updated',
        image: pinned,
        previousImage: first,
        replicas: { desired: 2, running: 2, onImage: 2 },
      }),
      expect.objectContaining({
        service: worker,
        status: 'updated',
        replicas: { desired: 1, running: 1, onImage: 1 },
      }),
    ]);
    // What Swarm runs, asked directly: every running task on the pushed digest.
    expect(runningImages(web)).toEqual([pinned, pinned]);
    expect(runningImages(worker)).toEqual([pinned]);
    // At once: both updates had started before either converged (each takes over a second).
    const firstConverged = run.stdout.search(/: verify: Service \w+ converged/);
    expect(run.stdout.indexOf(`${web}: updating to ${pinned}`)).toBeLessThan(firstConverged);
    expect(run.stdout.indexOf(`${worker}: updating to ${pinned}`)).toBeLessThan(firstConverged);

    expect(run.summary).toContain(
      '| Swarm service | Result | On new image | Image before → pushed |',
    );
    expect(run.summary).toContain(`| ${web} | updated | 2/2 | ${first} → ${pinned} |`);
    const mail = sendgrid.received.at(-1)!.body;
    expect(mail.subject).toMatch(/^✅ pushed and deployed /);
    expect(mail.content![0]!.value).toMatch(
      new RegExp(
        `  service ${web}: updated \\(2/2 on the new image, [\\d.]+ m?s\\) 2/2 replicas run the pushed digest\n    image before: ${first}; pushed: ${pinned}\n`,
      ),
    );
    expect((mail.content![1]!.value ?? '').replace(/<wbr>/g, '')).toContain(`service ${web}`);

    // The same commit again: the same digest, which both services already run.
    const before = [updatedAt(web), updatedAt(worker)];
    const again = await runAction({ inputs, event: COMMIT });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.outputs.image).toBe(pinned);
    expect(again.outputs['deploy-status']).toBe('deployed');
    expect(results(again.outputs).map((r) => [r.status, r.message])).toEqual([
      ['no-change', 'already runs the pushed digest (2/2 replicas)'],
      ['no-change', 'already runs the pushed digest (1/1 replicas)'],
    ]);
    expect([updatedAt(web), updatedAt(worker)]).toEqual(before);
  });

  it(STEP_CASES.swarmRolledBack.outcome, async () => {
    const repo = uniqueName('swarm-crash');
    const tag = `${registry.host}/${repo}:live`;
    const first = await pushFirstVersion(tag);
    const api = createService(first, 2, ROLL_BACK);
    const run = await runAction({
      inputs: { context: crashing, tags: tag, 'swarm-services': api, ...withEmail() },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['deploy-status']).toBe('failed');
    const [result] = results(run.outputs);
    expect(result, JSON.stringify(result)).toMatchObject({
      status: 'rolled-back',
      previousImage: first,
      image: run.outputs.image,
      replicas: { desired: 2, running: 2, onImage: 0 },
    });
    expect(result!.message).toBe(
      `the update failed and Swarm rolled back to ${first}; a new task failed: task: non-zero exit (3)`,
    );
    // The old digest still runs everywhere.
    expect(runningImages(api)).toEqual([first, first]);
    expect(errorAnnotations(run)[0]).toContain(
      `deploy failed on service ${api} (the update failed and Swarm rolled back`,
    );
    // The push itself is kept and reported.
    expect(run.outputs.digest).toBe(await registry.manifestDigest(repo, 'live'));
    const mail = sendgrid.received.at(-1)!.body;
    expect(mail.subject).toMatch(/^❌ deploy failed/);
    expect(mail.content![0]!.value).toContain(`service ${api}: rolled-back (0/2 on the new image`);
    expect(mail.content![1]!.value).toContain('rolled-back');
  });

  it(STEP_CASES.swarmMissing.outcome, async () => {
    const repo = uniqueName('swarm-partial');
    const tag = `${registry.host}/${repo}:live`;
    const existing = createService(await pushFirstVersion(tag), 1);
    const ghost = uniqueName('ghost');
    const run = await runAction({
      inputs: {
        context: good,
        tags: tag,
        'build-args': 'VERSION=2',
        'swarm-services': `${ghost}, ${existing}`,
        'fail-on-deploy-error': 'false',
        // A Watchtower host without its token (a fork's pull request has no secrets) is skipped
        // with a warning; the services still run.
        'watchtower-url': 'http://127.0.0.1:9',
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['deploy-status']).toBe('partial');
    expect(results(run.outputs).map((r) => [r.service, r.status, r.message])).toEqual([
      [ghost, 'failed', `Error: no such service: ${ghost}`],
      [existing, 'updated', '1/1 replicas run the pushed digest'],
    ]);
    expect(run.stdout).toContain(`::warning::deploy failed on service ${ghost} (Error: no such`);
    expect(run.stdout).toContain(
      '::warning::watchtower-token is empty (pull requests from forks get no secrets): the Watchtower hosts are skipped',
    );
    expect(run.summary).toContain(
      '**partial**: Watchtower hosts skipped: watchtower-token is empty',
    );
  });

  it(STEP_CASES.swarmNoTask.outcome, async () => {
    const repo = uniqueName('swarm-global');
    const tag = `${registry.host}/${repo}:live`;
    const name = uniqueName('global');
    swarm.createService(name, await pushFirstVersion(tag), {
      replicas: 'global',
      flags: ['--constraint', 'node.labels.bpn-never==true'],
      wait: false,
    });
    const run = await runAction({
      inputs: { context: good, tags: tag, 'build-args': 'VERSION=2', 'swarm-services': name },
    });
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs.image).toBe(
      `${registry.host}/${repo}@${await registry.manifestDigest(repo, 'live')}`,
    );
    expect(run.outputs['deploy-status']).toBe('failed');
    expect(results(run.outputs).map((r) => [r.status, r.message, r.replicas])).toEqual([
      [
        'no-match',
        'updated to the pushed digest, but no task runs it: no node is eligible for this global service (placement constraints, node availability)',
        { desired: 0, running: 0, onImage: 0 },
      ],
    ]);
    expect(serviceField(name, '{{.Spec.TaskTemplate.ContainerSpec.Image}}')).toBe(
      run.outputs.image,
    );
  });

  it(STEP_CASES.swarmUnreachable.outcome, async () => {
    const repo = uniqueName('swarm-nohost');
    const socket = `/run/bpn-missing-${process.pid}.sock`;
    const run = await runAction({
      inputs: {
        context: good,
        tags: `${registry.host}/${repo}:1`,
        'swarm-services': 'web, worker',
        'swarm-host': `unix://${socket}`,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['deploy-status']).toBe('failed');
    for (const result of results(run.outputs)) {
      expect(result.status).toBe('failed');
      expect(result.message).toBe(
        `Cannot connect to the Docker daemon at unix://${socket}. Is the docker daemon running?`,
      );
    }
    expect(run.summary).toContain(`| web (unix://${socket}) | failed | – |`);
  });

  it("the step's registry login reaches the nodes (--with-registry-auth), and is gone from the runner", async () => {
    // The service starts on a public image, so Swarm holds no login of its own: the private
    // image it is moved to can only be pulled with the login the step forwards.
    const api = createService(
      await pushFirstVersion(`${registry.host}/${uniqueName('public')}:1`),
      1,
    );
    const repo = uniqueName('swarm-private');
    const userConfig = tempDockerConfig();
    const run = await runAction({
      inputs: {
        context: good,
        tags: `${privateRegistry.host}/${repo}:live`,
        registry: privateRegistry.host,
        username: USER,
        password: PASSWORD,
        'build-args': 'VERSION=2',
        'swarm-services': api,
      },
      env: { DOCKER_CONFIG: userConfig },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const pinned = run.outputs.image!;
    expect(pinned.startsWith(`${privateRegistry.host}/${repo}@sha256:`)).toBe(true);
    // Without a login the registry serves nothing of it.
    const digest = pinned.split('@')[1]!;
    const anonymous = await fetch(`http://${privateRegistry.host}/v2/${repo}/manifests/${digest}`);
    expect(anonymous.status).toBe(401);
    expect(results(run.outputs)[0]).toMatchObject({ status: 'updated', image: pinned });
    expect(runningImages(api)).toEqual([pinned]);
    expect(leakedSecrets(run, [PASSWORD])).toEqual([]);
    expect(run.leftovers).toEqual([]);
    const config = path.join(userConfig, 'config.json');
    expect(fs.existsSync(config) ? fs.readFileSync(config, 'utf8') : '').not.toContain('auth');
    fs.rmSync(userConfig, { recursive: true, force: true });
  });

  it(STEP_CASES.swarmPaused.outcome, async () => {
    const tag = `${registry.host}/${uniqueName('swarm-pause')}:live`;
    const first = await pushFirstVersion(tag);
    const api = createService(first, 2, [...WATCH_THE_CRASH, '--update-failure-action', 'pause']);
    const inputs = { context: crashing, tags: tag, 'swarm-services': api, ...REPRODUCIBLE };
    const run = await runAction({ inputs, event: COMMIT });
    expect(run.exitCode).toBe(1);
    const [result] = results(run.outputs);
    expect(result!.status).toBe('paused');
    expect(result!.message).toMatch(
      /^Swarm paused the update \(update paused due to failure or early termination of task \w+\); a new task failed: task: non-zero exit \(3\)$/,
    );
    expect(serviceField(api, '{{.UpdateStatus.State}}')).toBe('paused');
    expect(errorAnnotations(run)[0]).toContain(
      `deploy failed on service ${api} (Swarm paused the update`,
    );
    // A re-run of the commit (the runner's "Re-run failed jobs") makes no update: that would
    // restart the rollout and take down any replica still on the old image.
    const paused = [updatedAt(api), serviceField(api, '{{.UpdateStatus.StartedAt}}')];
    const again = await runAction({ inputs, event: COMMIT });
    expect(again.outputs.image).toBe(run.outputs.image);
    expect(again.exitCode).toBe(1);
    expect(results(again.outputs)[0]!.status).toBe('paused');
    expect(results(again.outputs)[0]!.message).toMatch(
      /^already set to the pushed digest, whose rollout Swarm paused earlier \(.+\); not retried/,
    );
    expect([updatedAt(api), serviceField(api, '{{.UpdateStatus.StartedAt}}')]).toEqual(paused);
  });

  it('a service is its name or whole id: an id prefix, the same service twice and a job are refused', async () => {
    const tag = `${registry.host}/${uniqueName('swarm-names')}:live`;
    const first = await pushFirstVersion(tag);
    const web = createService(first, 1);
    const webId = serviceField(web, '{{.ID}}');
    const other = createService(first, 1);
    const otherPrefix = serviceField(other, '{{.ID}}').slice(0, 6);
    const job = uniqueName('job');
    // A job takes no update policy, so not the services' helper; it is removed below.
    dockerCli([
      'service',
      'create',
      '--quiet',
      '--detach',
      '--mode',
      'replicated-job',
      '--name',
      job,
      first,
    ]);
    const run = await runAction({
      inputs: {
        context: good,
        tags: tag,
        'build-args': 'VERSION=2',
        'swarm-services': `${web}\n${webId}\n${otherPrefix}\n${job}`,
      },
    });
    expect(run.exitCode).toBe(1);
    const byEntry = results(run.outputs).map((r) => [r.service, r.status, r.message]);
    // The name and the id reach the same service, which is updated once.
    const updated = byEntry.filter(([, status]) => status === 'updated');
    expect(updated).toEqual([[web, 'updated', '1/1 replicas run the pushed digest']]);
    expect(byEntry).toContainEqual([
      web,
      'failed',
      expect.stringMatching(/^listed twice in swarm-services \(as ".+" and ".+"\): updated once/),
    ]);
    expect(byEntry).toContainEqual([
      otherPrefix,
      'failed',
      `no service is named "${otherPrefix}" (docker took it as a prefix of the id of service ${other}; give the name)`,
    ]);
    expect(byEntry).toContainEqual([
      job,
      'failed',
      'is a Swarm job (it runs to completion), not a service to roll out; run jobs with docker service create',
    ]);
    expect(runningImages(other)).toEqual([first]);
    dockerCli(['service', 'rm', job]);
  });

  it(STEP_CASES.swarmTimeout.outcome, async () => {
    const tag = `${registry.host}/${uniqueName('swarm-slow')}:live`;
    // Swarm watches each new task for 30 s before it calls the update done.
    const api = createService(await pushFirstVersion(tag), 1, ['--update-monitor', '30s']);
    const run = await runAction({
      inputs: {
        context: good,
        tags: tag,
        'build-args': 'VERSION=2',
        'swarm-services': api,
        'swarm-timeout': '2',
      },
    });
    expect(run.exitCode).toBe(1);
    const [result] = results(run.outputs);
    expect(result!.status).toBe('failed');
    expect(result!.message).toMatch(
      /^not converged within 2 s \(swarm-timeout\): Swarm is still updating \(.+\) and goes on without the step$/,
    );
    // The step did not wait for Swarm: the rollout is still under way after it ended.
    expect(serviceField(api, '{{.UpdateStatus.State}}')).toBe('updating');
    expect(stepDockerCommands(run.outputs.image!)).toEqual([]);
  });

  it(STEP_CASES.swarmCancel.outcome, async () => {
    const tag = `${registry.host}/${uniqueName('swarm-cancel')}:live`;
    const api = createService(await pushFirstVersion(tag), 1, ['--update-monitor', '30s']);
    const run = await runAction({
      inputs: { context: good, tags: tag, 'build-args': 'VERSION=2', 'swarm-services': api },
      // docker prints progress once Swarm has taken the update.
      interrupt: { when: new RegExp(`${api}: overall progress`), signal: 'SIGINT' },
    });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run)).toEqual(['cancelled (SIGINT) during deploy']);
    expect(run.outputs['deploy-status']).toBe('unconfirmed');
    expect(results(run.outputs)[0]).toMatchObject({
      status: 'unconfirmed',
      message: 'the step was cancelled during the rollout; Swarm goes on with it',
      image: run.outputs.image,
    });
    // Swarm goes on with the pushed digest; no docker command of the step is left.
    expect(serviceField(api, '{{.Spec.TaskTemplate.ContainerSpec.Image}}')).toBe(run.outputs.image);
    expect(stepDockerCommands(run.outputs.image!)).toEqual([]);
    expect(run.summary).toContain('cancelled during deploy');
  });

  it('tcp:// with TLS: the PEM inputs become 0600 files docker reads, gone when the step ends', async () => {
    // No TLS manager runs here: docker loads the certificates (a bad one fails before any
    // connection) and is refused by a closed port. A wrapper records how it was called and the
    // files' modes at that moment, then runs the real docker.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-swarm-tls-'));
    const tls = selfSignedTls(dir);
    const log = path.join(dir, 'calls.log');
    const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(
      path.join(dir, 'bin', 'docker'),
      `#!/bin/sh
for arg in "$@"; do case "$arg" in --tlskey=*) key="\${arg#--tlskey=}";; esac; done
if [ -n "$key" ]; then
  tls=$(dirname "$key")
  echo "$* | $(stat -c %a "$tls" "$tls"/ca.pem "$tls"/cert.pem "$tls"/key.pem | tr '\\n' ' ')| $(sha256sum < "$key" | cut -c1-64)" >> "${log}"
fi
exec "${realDocker}" "$@"
`,
      { mode: 0o755 },
    );
    const port = await freePort();
    try {
      const run = await runAction({
        inputs: {
          context: good,
          tags: `${registry.host}/${uniqueName('swarm-tls')}:1`,
          'swarm-services': 'api',
          'swarm-host': `tcp://127.0.0.1:${port}`,
          'swarm-tls-ca': tls.cert,
          'swarm-tls-cert': tls.cert,
          'swarm-tls-key': tls.key,
        },
        env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` },
      });
      expect(run.exitCode).toBe(1);
      expect(results(run.outputs)[0]).toMatchObject({
        status: 'failed',
        message: `Cannot connect to the Docker daemon at tcp://127.0.0.1:${port}. Is the docker daemon running?`,
      });
      const [call, ...others] = fs.readFileSync(log, 'utf8').trim().split('\n');
      expect(others).toEqual([]);
      const [argv, modes, keyHash] = call!.split(' | ');
      expect(argv).toMatch(
        new RegExp(
          `^--host tcp://127\\.0\\.0\\.1:${port} --tlsverify --tlscacert=(\\S+)/ca\\.pem --tlscert=\\1/cert\\.pem --tlskey=\\1/key\\.pem service inspect --format \\{\\{json \\.\\}\\} api$`,
        ),
      );
      expect(modes!.trim()).toBe('700 600 600 600');
      expect(keyHash).toBe(createHash('sha256').update(`${tls.key.trim()}\n`).digest('hex'));
      expect(run.leftovers).toEqual([]);
      expect(
        leakedSecrets(
          run,
          tls.key.split('\n').filter((line) => line.length > 20),
        ),
      ).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ssh://: docker goes through the runner's ssh (here refused by a closed port), and says so", async () => {
    const port = await freePort();
    // An ssh on PATH that notes how docker called it, then is the runner's own.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-ssh-'));
    const calls = path.join(dir, 'calls');
    const realSsh = execFileSync('sh', ['-c', 'command -v ssh'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(
      path.join(dir, 'ssh'),
      `#!/bin/sh\necho "$*" >> ${calls}\nexec ${realSsh} "$@"\n`,
      { mode: 0o755 },
    );
    try {
      const run = await runAction({
        inputs: {
          context: good,
          tags: `${registry.host}/${uniqueName('swarm-ssh')}:1`,
          'swarm-services': 'api',
          'swarm-host': `ssh://deploy@127.0.0.1:${port}`,
        },
        env: { PATH: `${dir}:${process.env.PATH}` },
      });
      expect(run.exitCode).toBe(1);
      const [result] = results(run.outputs);
      expect(result!.status).toBe('failed');
      expect(fs.readFileSync(calls, 'utf8')).toContain(
        `-o ConnectTimeout=30 -T -l deploy -p ${port} -- 127.0.0.1 docker system dial-stdio`,
      );
      // docker's own words: usually ssh's exit and its stderr; under load docker's CLI can lose
      // that race and report the pipe ssh closed instead.
      expect(result!.message).toMatch(
        new RegExp(
          `ssh: connect to host 127\\.0\\.0\\.1 port ${port}: Connection refused|error during connect: .*broken pipe`,
        ),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
