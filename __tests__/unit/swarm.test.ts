// The Swarm target's pure parts: the docker commands it runs, and what Swarm's answers prove.
// The fixtures are `docker service inspect` and `docker service ps` output recorded from a real
// single-node swarm (dockerd 20.10, docker CLI 28): see __tests__/fixtures/README.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alreadyRuns,
  connectionArgs,
  countReplicas,
  isSameImage,
  parseService,
  parseTasks,
  rolloutVerdict,
  type Rollout,
  type ServiceState,
  unchangedVerdict,
  updateArgs,
} from '../../src/deploy/swarm.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/swarm');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const service = (name: string): ServiceState => parseService(fixture(`inspect-${name}.json`));
const tasks = (name: string) => parseTasks(fixture(`tasks-${name}.jsonl`));

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
  });
});

describe('what Swarm says', () => {
  it('reads a service and its tasks as docker prints them', () => {
    expect(service('paused')).toEqual({
      id: 'ldjay90tftakxcqq4g15cx9fj',
      name: 'web',
      image: BAD,
      replicas: 2,
      global: false,
      update: {
        state: 'paused',
        message:
          'update paused due to failure or early termination of task kh3f8ol73fuvn8dia8u0lif9a',
        startedAt: '2026-11-29T01:19:06.342870128Z',
      },
    });
    expect(service('global')).toMatchObject({ replicas: undefined, global: true });
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

  it('a service already on the digest is left alone, unless its last rollout is stuck', () => {
    expect(alreadyRuns(service('completed'), GOOD)).toBe(true);
    expect(alreadyRuns(service('before-paused'), GOOD)).toBe(true);
    expect(alreadyRuns(service('paused'), BAD)).toBe(false);
    expect(alreadyRuns(service('completed'), BAD)).toBe(false);
    expect(unchangedVerdict(service('completed'), tasks('completed'), GOOD)).toEqual({
      status: 'no-change',
      message: 'already runs the pushed digest (2/2 replicas)',
    });
  });
});

describe('the outcome of a rollout', () => {
  const rollout = (overrides: Partial<Rollout>): Rollout => ({
    before: service('before-paused'),
    after: service('completed'),
    tasks: tasks('completed'),
    image: GOOD,
    commandError: undefined,
    timedOutAfter: undefined,
    ...overrides,
  });

  it('updated: the rollout completed and every replica runs the digest', () => {
    expect(rolloutVerdict(rollout({ before: service('paused') }))).toEqual({
      status: 'updated',
      message: '2/2 replicas run the pushed digest',
    });
  });

  it('rolled-back: Swarm ran its failure action (docker exits 0), with the task error', () => {
    expect(
      rolloutVerdict(
        rollout({
          after: service('rollback-completed'),
          tasks: tasks('rollback-completed'),
          image: BAD,
        }),
      ),
    ).toEqual({
      status: 'rolled-back',
      message: `the update failed and Swarm rolled back to ${GOOD}; a new task failed: task: non-zero exit (3)`,
    });
  });

  it("paused: Swarm's own message and the task error", () => {
    expect(
      rolloutVerdict(
        rollout({
          after: service('paused'),
          tasks: tasks('paused'),
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

  it("an old state is not this rollout's: a failed command fails with docker's words", () => {
    const stale = service('rollback-completed');
    expect(
      rolloutVerdict(
        rollout({ before: stale, after: stale, commandError: 'Error: unauthorized', image: BAD }),
      ),
    ).toEqual({ status: 'failed', message: 'Error: unauthorized' });
  });

  it('still rolling out at swarm-timeout: failed, and Swarm goes on', () => {
    const after = service('completed');
    after.update = { state: 'updating', message: 'update in progress', startedAt: 'later' };
    expect(rolloutVerdict(rollout({ after, timedOutAfter: 600 }))).toEqual({
      status: 'failed',
      message:
        'not converged within 600 s (swarm-timeout): Swarm is still updating (update in progress) and goes on without the step',
    });
  });

  it('fewer replicas on the digest than wanted: failed', () => {
    const running = tasks('completed').filter((task) => task.id !== 'u0e1v9jjf0czhysgnzui4m1lc');
    expect(rolloutVerdict(rollout({ before: service('paused'), tasks: running }))).toEqual({
      status: 'failed',
      message: 'updated to the pushed digest, but only 1 of 2 replicas run it',
    });
  });

  it('docker succeeded but Swarm could not be read back: unconfirmed, never updated', () => {
    expect(rolloutVerdict(rollout({ after: { readBackError: 'Cannot connect' } }))).toEqual({
      status: 'unconfirmed',
      message:
        'docker service update succeeded, but the service could not be read back: Cannot connect',
    });
    expect(
      rolloutVerdict(rollout({ after: { readBackError: 'x' }, commandError: 'Error: denied' })),
    ).toEqual({ status: 'failed', message: 'Error: denied' });
  });
});
