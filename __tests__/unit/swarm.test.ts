// The Swarm target's pure parts: the docker commands it runs, and what Swarm's answers prove.
// The fixtures are `docker service inspect` and `docker service ps` output recorded from a real
// single-node swarm (dockerd 20.10, docker CLI 28): see __tests__/fixtures/README.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  connectionArgs,
  countReplicas,
  isSameImage,
  parseService,
  parseTasks,
  planFor,
  rolloutVerdict,
  type Rollout,
  type ServiceNow,
  type ServiceState,
  unchangedVerdict,
  updateArgs,
} from '../../src/deploy/swarm.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/swarm');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const service = (name: string): ServiceState => parseService(fixture(`inspect-${name}.json`));
const tasks = (name: string) => parseTasks(fixture(`tasks-${name}.jsonl`));
/** The service as read back, with its tasks and replicas counted for `image`. */
const now = (name: string, image: string, taskList = tasks(name)): ServiceNow => ({
  service: service(name),
  tasks: taskList,
  replicas: countReplicas(service(name), taskList, image),
});

const REPO = '127.0.0.1:5055/app';
const GOOD = `${REPO}@sha256:03e6dd9d095f3d51cee89d525520f99c484cc954653c45a33602f04380b61bc6`;
const BAD = `${REPO}@sha256:cc5b023ba30dcf481bbc84e8331c2a439cdf1cbb89bfcb720caea365eaffd660`;

describe('swarm commands', () => {
  it("uses the runner's docker unless a manager is named; TLS files only for tcp://", () => {
    expect(connectionArgs('', undefined)).toEqual([]);
    expect(connectionArgs('ssh://deploy@manager:2222', undefined)).toEqual([
      '--host',
      'ssh://deploy@manager:2222',
    ]);
    expect(connectionArgs('tcp://manager:2376', '/tmp/ws/swarm-tls')).toEqual([
      '--host',
      'tcp://manager:2376',
      '--tlsverify',
      '--tlscacert=/tmp/ws/swarm-tls/ca.pem',
      '--tlscert=/tmp/ws/swarm-tls/cert.pem',
      '--tlskey=/tmp/ws/swarm-tls/key.pem',
    ]);
  });

  it('pins the digest, forwards the registry login and waits for the verdict', () => {
    expect(updateArgs('ldjay90', GOOD)).toEqual([
      'service',
      'update',
      '--image',
      GOOD,
      '--with-registry-auth',
      '--detach=false',
      'ldjay90',
    ]);
    // A service with no task to replace (a global one no node is eligible for): nothing to wait for.
    expect(updateArgs('ldjay90', GOOD, false)).toContain('--detach=true');
  });
});

describe('what Swarm says', () => {
  it('reads a service and its tasks as docker prints them', () => {
    expect(service('paused')).toEqual({
      id: 'ldjay90tftakxcqq4g15cx9fj',
      name: 'web',
      image: BAD,
      replicas: 2,
      mode: 'replicated',
      update: {
        state: 'paused',
        message:
          'update paused due to failure or early termination of task kh3f8ol73fuvn8dia8u0lif9a',
        startedAt: '2026-11-29T01:19:06.342870128Z',
      },
    });
    expect(service('global')).toMatchObject({ replicas: undefined, mode: 'global' });
    expect(
      parseService(
        '{"ID":"j1","Spec":{"Name":"once","TaskTemplate":{"ContainerSpec":{"Image":"a"}},"Mode":{"ReplicatedJob":{}}}}',
      ),
    ).toMatchObject({ mode: 'job', replicas: undefined });
    const failed = tasks('paused').find((task) => task.id === 'kh3f8ol73fuvn8dia8u0lif9a');
    expect(failed).toMatchObject({ error: 'task: non-zero exit (3)', desiredState: 'Shutdown' });
    expect(() => parseService('{"ID":"x"}')).toThrow(/not a Swarm service/);
  });

  it('compares images by repository and digest, in any spelling docker accepts', () => {
    expect(isSameImage(`${REPO}:v1@${GOOD.split('@')[1]}`, GOOD)).toBe(true);
    expect(isSameImage(GOOD, BAD)).toBe(false);
    expect(isSameImage(`other/app@${GOOD.split('@')[1]}`, GOOD)).toBe(false);
    expect(isSameImage('docker.io/library/nginx@sha256:ab', 'nginx@sha256:ab')).toBe(true);
    expect(isSameImage(`${REPO}:v1`, `${REPO}:v1`)).toBe(false);
  });

  it('counts replicas running the pushed digest; a global service wants one per node', () => {
    expect(countReplicas(service('completed'), tasks('completed'), GOOD)).toEqual({
      desired: 2,
      running: 2,
      onImage: 2,
    });
    expect(countReplicas(service('completed'), tasks('completed'), BAD)).toMatchObject({
      onImage: 0,
    });
    const global = service('global');
    expect(countReplicas(global, tasks('global'), global.image)).toEqual({
      desired: 1,
      running: 1,
      onImage: 1,
    });
  });

  it('a service already on the digest is left alone; a stuck rollout of it is not restarted', () => {
    expect(planFor(service('completed'), GOOD)).toBe('unchanged');
    expect(planFor(service('before-paused'), GOOD)).toBe('unchanged');
    // Rolled back onto the digest being pushed now: it runs it already.
    expect(planFor(service('rollback-completed'), GOOD)).toBe('unchanged');
    expect(planFor(service('paused'), BAD)).toBe('stuck');
    expect(planFor(service('completed'), BAD)).toBe('update');
    const underWay = service('paused');
    underWay.update!.state = 'updating';
    expect(planFor(underWay, BAD)).toBe('update');

    expect(unchangedVerdict(now('completed', GOOD), GOOD)).toEqual({
      status: 'no-change',
      message: 'already runs the pushed digest (2/2 replicas)',
    });
    expect(unchangedVerdict(now('paused', BAD), BAD)).toEqual({
      status: 'paused',
      message:
        'already set to the pushed digest, whose rollout Swarm paused earlier (update paused due to failure or early termination of task kh3f8ol73fuvn8dia8u0lif9a); not retried, which would take down the replicas still running: roll back (docker service update --rollback web) or push a fix; a new task failed: task: non-zero exit (3)',
    });
  });
});

describe('the outcome of a rollout', () => {
  const rollout = (overrides: Partial<Rollout>): Rollout => ({
    before: service('before-paused'),
    image: GOOD,
    commandError: undefined,
    timedOutAfter: undefined,
    now: now('completed', GOOD),
    ...overrides,
  });

  it('updated: the rollout completed and every replica runs the digest', () => {
    expect(rolloutVerdict(rollout({ before: service('paused') }))).toEqual({
      status: 'updated',
      message: '2/2 replicas run the pushed digest',
    });
  });

  it('rolled-back: Swarm ran its failure action (docker exits 0), with the task error', () => {
    expect(rolloutVerdict(rollout({ now: now('rollback-completed', BAD), image: BAD }))).toEqual({
      status: 'rolled-back',
      message: `the update failed and Swarm rolled back to ${GOOD}; a new task failed: task: non-zero exit (3)`,
    });
  });

  it("paused: Swarm's own message and the task error", () => {
    expect(
      rolloutVerdict(
        rollout({
          now: now('paused', BAD),
          image: BAD,
          commandError: 'service update paused: update paused due to failure…',
        }),
      ),
    ).toEqual({
      status: 'paused',
      message:
        'Swarm paused the update (update paused due to failure or early termination of task kh3f8ol73fuvn8dia8u0lif9a); a new task failed: task: non-zero exit (3)',
    });
  });

  it('rollback paused: the new task’s error, and the error of the rollback task Swarm stopped on', () => {
    // Recorded with other images: the one before, whose tasks exit 4 in the rollback, and the
    // pushed one, whose tasks exit 3 (see __tests__/fixtures/README.md).
    const previous = `${REPO}@sha256:f0f1cadc4bad0dcc042bcbdfa132892cfde74c930da8dc9c14aacfa0ecc7872e`;
    const pushed = `${REPO}@sha256:f4102104a15b01e888e3e9e5261fed324ea3c752f80aeac66cbf389e06210bf4`;
    expect(service('rollback-paused').image).toBe(previous);
    const before = { ...service('before-paused'), image: previous };
    expect(
      rolloutVerdict(
        rollout({
          before,
          now: now('rollback-paused', pushed),
          image: pushed,
          commandError: 'service rollback paused: update paused due to failure…',
        }),
      ),
    ).toEqual({
      status: 'paused',
      message:
        'the update failed and Swarm paused its rollback (update paused due to failure or early termination of task v6zkomq56e7yumqtk9chl6chj); a new task failed: task: non-zero exit (3); a rollback task failed: task: non-zero exit (4)',
    });
  });

  it("an old state is not this rollout's: a failed command fails with docker's words", () => {
    expect(
      rolloutVerdict(
        rollout({
          before: service('rollback-completed'),
          now: now('rollback-completed', BAD),
          commandError: 'Error: unauthorized',
          image: BAD,
        }),
      ),
    ).toEqual({ status: 'failed', message: 'Error: unauthorized' });
  });

  it('no task runs the digest (a global service no node is eligible for): no-match, not updated', () => {
    const global = service('global');
    const none = { service: global, tasks: [], replicas: countReplicas(global, [], global.image) };
    expect(none.replicas).toEqual({ desired: 0, running: 0, onImage: 0 });
    const message = (setTo: string) =>
      `${setTo} the pushed digest, but no task runs it: no node is eligible for this global service (placement constraints, node availability)`;
    expect(rolloutVerdict(rollout({ now: none, image: global.image }))).toEqual({
      status: 'no-match',
      message: message('updated to'),
    });
    expect(unchangedVerdict(none, global.image)).toEqual({
      status: 'no-match',
      message: message('already set to'),
    });
    const scaledDown = { ...service('completed'), replicas: 0 };
    expect(
      rolloutVerdict(
        rollout({
          now: { service: scaledDown, tasks: [], replicas: countReplicas(scaledDown, [], GOOD) },
        }),
      ),
    ).toEqual({
      status: 'no-match',
      message:
        'updated to the pushed digest, but no task runs it: the service is scaled to 0 replicas',
    });
  });

  it('still rolling out at swarm-timeout: failed, and Swarm goes on', () => {
    const updating = now('completed', GOOD);
    updating.service.update = { state: 'updating', message: 'update in progress', startedAt: 'x' };
    expect(rolloutVerdict(rollout({ now: updating, timedOutAfter: 600 }))).toEqual({
      status: 'failed',
      message:
        'not converged within 600 s (swarm-timeout): Swarm is still updating (update in progress) and goes on without the step',
    });
  });

  it('a timeout with no rollout of its own is never a success', () => {
    // The spec already pinned the digest while an earlier rollout ran: no new start time.
    const before = service('completed');
    expect(
      rolloutVerdict(rollout({ before, now: now('completed', GOOD), timedOutAfter: 5 })),
    ).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^not converged within 5 s/),
    });
  });

  it('fewer replicas on the digest than wanted: failed', () => {
    const running = tasks('completed').filter((task) => task.id !== 'u0e1v9jjf0czhysgnzui4m1lc');
    expect(
      rolloutVerdict(rollout({ before: service('paused'), now: now('completed', GOOD, running) })),
    ).toEqual({
      status: 'failed',
      message: 'updated to the pushed digest, but only 1 of 2 replicas run it',
    });
  });

  it('docker succeeded but Swarm could not be read back: unconfirmed, never updated', () => {
    expect(rolloutVerdict(rollout({ now: { readBackError: 'Cannot connect' } }))).toEqual({
      status: 'unconfirmed',
      message:
        'docker service update succeeded, but the service could not be read back: Cannot connect',
    });
    expect(
      rolloutVerdict(rollout({ now: { readBackError: 'x' }, commandError: 'Error: denied' })),
    ).toEqual({ status: 'failed', message: 'Error: denied' });
  });
});
