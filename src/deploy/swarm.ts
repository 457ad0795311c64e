// Docker Swarm services, through the docker CLI on a manager (sources: docker CLI
// cli/command/service — `service update --detach=false` waits until the rollout converges,
// rolls back or pauses, and exits 0 after a rollback, so the outcome is read back with
// `service inspect` (UpdateStatus) and `service ps` (the tasks); swarmkit's update states
// updating, paused, completed, rollback_started, rollback_paused, rollback_completed).
// Pure: the commands to run and what their output proves.
import type { Replicas, TargetStatus } from '../report.js';
import { familiarRepository } from '../docker/digest.js';

/** The TLS files docker reads for a `tcp://` manager, in a folder of their own. */
export const TLS_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

/** docker's global options that point it at the manager; none for the runner's own docker. */
export function connectionArgs(host: string, tlsDir: string | undefined): string[] {
  if (!host) return [];
  const args = ['--host', host];
  if (tlsDir) {
    args.push(
      '--tlsverify',
      `--tlscacert=${tlsDir}/${TLS_FILES.ca}`,
      `--tlscert=${tlsDir}/${TLS_FILES.cert}`,
      `--tlskey=${tlsDir}/${TLS_FILES.key}`,
    );
  }
  return args;
}

export function inspectArgs(service: string): string[] {
  return ['service', 'inspect', '--format', '{{json .}}', service];
}

/**
 * Pins every replica to the pushed digest; the step's registry login goes to the nodes, which
 * pull with it. Waits for Swarm's verdict (converged, rolled back or paused), unless `wait` is
 * false: a service with no task to replace has no verdict to wait for.
 */
export function updateArgs(serviceId: string, image: string, wait = true): string[] {
  return [
    'service',
    'update',
    '--image',
    image,
    '--with-registry-auth',
    `--detach=${!wait}`,
    serviceId,
  ];
}

export function tasksArgs(serviceId: string): string[] {
  return ['service', 'ps', '--no-trunc', '--format', '{{json .}}', serviceId];
}

export interface ServiceState {
  id: string;
  name: string;
  /** The image of the service's spec, `repository[:tag][@digest]`. */
  image: string;
  /** A job runs to completion; a global service runs one task per eligible node. */
  mode: 'replicated' | 'global' | 'job';
  /** Replicas a replicated service asks for; undefined otherwise. */
  replicas: number | undefined;
  update: { state: string; message: string; startedAt: string } | undefined;
}

export interface TaskState {
  id: string;
  image: string;
  desiredState: string;
  /** `Running 3 seconds ago`, `Failed 2 seconds ago`… */
  currentState: string;
  error: string;
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json =>
  typeof value === 'object' && value !== null ? (value as Json) : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** `docker service inspect --format '{{json .}}'`; throws when it is not a service. */
export function parseService(json: string): ServiceState {
  const service = object(JSON.parse(json));
  const spec = object(service.Spec);
  const image = text(object(object(spec.TaskTemplate).ContainerSpec).Image);
  if (!text(service.ID) || !image) throw new Error('not a Swarm service');
  const mode = object(spec.Mode);
  const update = service.UpdateStatus ? object(service.UpdateStatus) : undefined;
  const replicas = object(mode.Replicated).Replicas;
  return {
    id: text(service.ID),
    name: text(spec.Name),
    image,
    mode: mode.Global ? 'global' : mode.Replicated ? 'replicated' : 'job',
    replicas: typeof replicas === 'number' ? replicas : undefined,
    update: update && {
      state: text(update.State),
      message: text(update.Message),
      startedAt: text(update.StartedAt),
    },
  };
}

/** `docker service ps --format '{{json .}}'`, one task per line, newest first per slot. */
export function parseTasks(output: string): TaskState[] {
  return output
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const task = object(JSON.parse(line));
      return {
        id: text(task.ID),
        image: text(task.Image),
        desiredState: text(task.DesiredState),
        currentState: text(task.CurrentState),
        // docker quotes the task's error: `"task: non-zero exit (3)"`.
        error: text(task.Error).replace(/^"(.*)"$/, '$1'),
      };
    });
}

/** Whether `image` (`repository[:tag]@digest`) is `pinned` (`repository@digest`). */
export function isSameImage(image: string, pinned: string): boolean {
  const split = (reference: string): [string, string] => {
    const [name = '', digest = ''] = reference.split('@');
    // The tag, if any, follows the last ":" after the last "/" (a registry port comes before).
    const repository = name.replace(/:[^/:]*$/, '');
    return [familiarRepository(repository), digest];
  };
  const [repository, digest] = split(image);
  const [pinnedRepository, pinnedDigest] = split(pinned);
  return digest !== '' && digest === pinnedDigest && repository === pinnedRepository;
}

const isRunning = (task: TaskState): boolean =>
  task.desiredState === 'Running' && task.currentState.startsWith('Running');

export function countReplicas(service: ServiceState, tasks: TaskState[], image: string): Replicas {
  const running = tasks.filter(isRunning);
  const desired =
    service.mode === 'global'
      ? tasks.filter((task) => task.desiredState === 'Running').length
      : service.replicas;
  return {
    desired,
    running: running.length,
    onImage: running.filter((task) => isSameImage(task.image, image)).length,
  };
}

export interface ServiceVerdict {
  status: TargetStatus;
  message: string;
}

const failed = (message: string): ServiceVerdict => ({ status: 'failed', message });

/** Rollout states in which Swarm stopped on a failed task and waits for a person. */
const STUCK = ['paused', 'rollback_paused'];
/** Rollout states Swarm is still working through. */
const UNDER_WAY = ['updating', 'rollback_started'];

/**
 * What to do with a service as found: `update` it; report it `unchanged` (its spec already pins
 * the digest, and any rollout of it is over); or report it `stuck` (a rollout of this digest was
 * paused: updating again would restart it and take down the replicas that still run).
 */
export function planFor(service: ServiceState, image: string): 'update' | 'unchanged' | 'stuck' {
  if (!isSameImage(service.image, image)) return 'update';
  const state = service.update?.state ?? 'completed';
  if (STUCK.includes(state)) return 'stuck';
  return UNDER_WAY.includes(state) ? 'update' : 'unchanged';
}

/** Why a job is never updated: it runs to completion, there is no rollout to wait for. */
export const JOB_VERDICT = failed(
  'is a Swarm job (it runs to completion), not a service to roll out; run jobs with docker service create',
);

/** The error of the newest failed task of `image`, named as `which`: what Swarm reacted to. */
function taskError(tasks: TaskState[], image: string, which = 'a new task'): string {
  const failedTask = tasks.find((task) => task.error && isSameImage(task.image, image));
  return failedTask ? `; ${which} failed: ${failedTask.error}` : '';
}

/** Every replica wanted must run the digest; `already` when no update was made. */
function replicaCheck(now: ServiceNow, already: boolean): ServiceVerdict {
  const { desired, onImage } = now.replicas;
  const setTo = already ? 'already set to' : 'updated to';
  // Nothing runs the digest, so nothing was deployed: the spec only says what a task would run.
  if (desired === 0)
    return {
      status: 'no-match',
      message: `${setTo} the pushed digest, but no task runs it: ${
        now.service.mode === 'global'
          ? 'no node is eligible for this global service (placement constraints, node availability)'
          : 'the service is scaled to 0 replicas'
      }`,
    };
  const count = desired === undefined ? `${onImage}` : `${onImage}/${desired}`;
  if (desired !== undefined && onImage < desired)
    return failed(`${setTo} the pushed digest, but only ${onImage} of ${desired} replicas run it`);
  return already
    ? { status: 'no-change', message: `already runs the pushed digest (${count} replicas)` }
    : { status: 'updated', message: `${count} replicas run the pushed digest` };
}

/** What Swarm says of a service and its tasks, read back after the update. */
export interface ServiceNow {
  service: ServiceState;
  tasks: TaskState[];
  replicas: Replicas;
}

/** The outcome when no update was made (planFor said `unchanged` or `stuck`). */
export function unchangedVerdict(now: ServiceNow, image: string): ServiceVerdict {
  const update = now.service.update;
  if (update && STUCK.includes(update.state))
    return {
      status: 'paused',
      message: `already set to the pushed digest, whose rollout Swarm paused earlier (${update.message}); not retried, which would take down the replicas still running: roll back (docker service update --rollback ${now.service.name}) or push a fix${taskError(now.tasks, image)}`,
    };
  return replicaCheck(now, true);
}

export interface Rollout {
  before: ServiceState;
  image: string;
  /** docker's error when `service update` did not exit 0. */
  commandError: string | undefined;
  /** Set when the step stopped waiting after swarm-timeout seconds. */
  timedOutAfter: number | undefined;
  /** The service read back, or why it could not be. */
  now: ServiceNow | { readBackError: string };
}

/** Swarm's failure actions: a new task failed and Swarm rolled back, or paused. */
const FAILURE_ACTIONS: Record<string, (swarmSays: string, previous: string) => ServiceVerdict> = {
  rollback_completed: (_swarmSays, previous) => ({
    status: 'rolled-back',
    message: `the update failed and Swarm rolled back to ${previous}`,
  }),
  paused: (swarmSays) => ({ status: 'paused', message: `Swarm paused the update${swarmSays}` }),
  rollback_paused: (swarmSays) => ({
    status: 'paused',
    message: `the update failed and Swarm paused its rollback${swarmSays}`,
  }),
};

/** The service's outcome, from what Swarm says after the update (never from the exit code alone). */
export function rolloutVerdict({
  before,
  image,
  commandError,
  timedOutAfter,
  now,
}: Rollout): ServiceVerdict {
  if ('readBackError' in now) {
    if (commandError) return failed(commandError);
    const waited = timedOutAfter
      ? `not converged within ${timedOutAfter} s (swarm-timeout)`
      : 'docker service update succeeded';
    return {
      status: timedOutAfter ? 'failed' : 'unconfirmed',
      message: `${waited}, but the service could not be read back: ${now.readBackError}`,
    };
  }
  const update = now.service.update;
  // A rollout this update started has a new start time; any other state is an earlier one's.
  const state = update && update.startedAt !== before.update?.startedAt ? update.state : undefined;
  if (commandError && !state) return failed(commandError);
  const swarmSays = update?.message ? ` (${update.message})` : '';

  const failureAction = state && FAILURE_ACTIONS[state];
  if (failureAction) {
    const verdict = failureAction(swarmSays, now.service.image);
    // A paused rollback stopped on a task of the image before: why it failed too.
    const rollbackError =
      state === 'rollback_paused' ? taskError(now.tasks, before.image, 'a rollback task') : '';
    return { ...verdict, message: verdict.message + taskError(now.tasks, image) + rollbackError };
  }
  if ((state && UNDER_WAY.includes(state)) || (timedOutAfter && state !== 'completed')) {
    const doing = state === 'rollback_started' ? 'rolling back' : 'updating';
    return failed(
      timedOutAfter
        ? `not converged within ${timedOutAfter} s (swarm-timeout): Swarm is still ${doing}${swarmSays} and goes on without the step`
        : `${commandError ?? 'docker stopped waiting'}: Swarm is still ${doing}${swarmSays}`,
    );
  }
  if (!isSameImage(now.service.image, image))
    return failed(
      `the service runs ${now.service.image}, not the pushed digest${commandError ? `: ${commandError}` : ''}`,
    );
  return replicaCheck(now, false);
}
