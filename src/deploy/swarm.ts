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
 * pull with it. Waits for Swarm's verdict (converged, rolled back or paused).
 */
export function updateArgs(serviceId: string, image: string): string[] {
  return [
    'service',
    'update',
    '--image',
    image,
    '--with-registry-auth',
    '--detach=false',
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
  /** Replicas a replicated service asks for; undefined for a global service or a job. */
  replicas: number | undefined;
  /** A global service runs one task per eligible node. */
  global: boolean;
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
  const replicated = object(mode.Replicated);
  const update = service.UpdateStatus ? object(service.UpdateStatus) : undefined;
  return {
    id: text(service.ID),
    name: text(spec.Name),
    image,
    replicas: typeof replicated.Replicas === 'number' ? replicated.Replicas : undefined,
    global: mode.Global !== undefined,
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
  const desired = service.global
    ? tasks.filter((task) => task.desiredState === 'Running').length
    : service.replicas;
  return {
    desired,
    running: running.length,
    onImage: running.filter((task) => isSameImage(task.image, image)).length,
  };
}

/** Nothing to do: the spec already pins the digest and no rollout of it is under way or stuck. */
export function alreadyRuns(service: ServiceState, image: string): boolean {
  return (
    isSameImage(service.image, image) && (!service.update || service.update.state === 'completed')
  );
}

export interface Rollout {
  before: ServiceState;
  /** The service and its tasks read back, or why they could not be. */
  after: ServiceState | { readBackError: string };
  tasks: TaskState[];
  image: string;
  /** docker's error when `service update` did not exit 0. */
  commandError: string | undefined;
  /** Set when the step stopped waiting after swarm-timeout seconds. */
  timedOutAfter: number | undefined;
}

export interface ServiceVerdict {
  status: TargetStatus;
  message: string;
}

/** The error of the newest task of the pushed image that failed: Swarm's reason for a rollback. */
function newTaskError(tasks: TaskState[], image: string): string {
  const failed = tasks.find((task) => task.error && isSameImage(task.image, image));
  return failed ? `; a new task failed: ${failed.error}` : '';
}

function replicaCheck(replicas: Replicas, already: boolean): ServiceVerdict {
  const { desired, onImage } = replicas;
  const count = desired === undefined ? `${onImage}` : `${onImage}/${desired}`;
  if (desired !== undefined && onImage < desired)
    return {
      status: 'failed',
      message: `${already ? 'already set to' : 'updated to'} the pushed digest, but only ${onImage} of ${desired} replicas run it`,
    };
  return already
    ? { status: 'no-change', message: `already runs the pushed digest (${count} replicas)` }
    : { status: 'updated', message: `${count} replicas run the pushed digest` };
}

/** The service's outcome, from what Swarm says after the update (never from the exit code alone). */
export function rolloutVerdict(rollout: Rollout): ServiceVerdict {
  const { before, after, tasks, image, commandError, timedOutAfter } = rollout;
  const failed = (message: string): ServiceVerdict => ({ status: 'failed', message });
  if ('readBackError' in after) {
    if (commandError) return failed(commandError);
    return {
      status: timedOutAfter ? 'failed' : 'unconfirmed',
      message: `${timedOutAfter ? `not converged within ${timedOutAfter} s (swarm-timeout)` : 'docker service update succeeded'}, but the service could not be read back: ${after.readBackError}`,
    };
  }
  const update = after.update;
  // A rollout started by this update has a new start time; otherwise the state is an old one.
  const started = update !== undefined && update.startedAt !== before.update?.startedAt;
  if (commandError && !started && !timedOutAfter) return failed(commandError);
  const state = started ? update.state : undefined;
  const swarmSays = update?.message ? ` (${update.message})` : '';
  switch (state) {
    case 'rollback_completed':
      return {
        status: 'rolled-back',
        message: `the update failed and Swarm rolled back to ${after.image}${newTaskError(tasks, image)}`,
      };
    case 'paused':
      return {
        status: 'paused',
        message: `Swarm paused the update${swarmSays}${newTaskError(tasks, image)}`,
      };
    case 'rollback_paused':
      return {
        status: 'paused',
        message: `the update failed and Swarm paused its rollback${swarmSays}${newTaskError(tasks, image)}`,
      };
    case 'updating':
    case 'rollback_started': {
      const doing = state === 'updating' ? 'updating' : 'rolling back';
      return failed(
        timedOutAfter
          ? `not converged within ${timedOutAfter} s (swarm-timeout): Swarm is still ${doing}${swarmSays} and goes on without the step`
          : `${commandError ?? 'docker stopped waiting'}: Swarm is still ${doing}${swarmSays}`,
      );
    }
  }
  if (!isSameImage(after.image, image))
    return failed(
      `the service runs ${after.image}, not the pushed digest${commandError ? `: ${commandError}` : ''}`,
    );
  return replicaCheck(countReplicas(after, tasks, image), false);
}

/** The outcome when the spec already pinned the digest (no update was made). */
export function unchangedVerdict(
  service: ServiceState,
  tasks: TaskState[],
  image: string,
): ServiceVerdict {
  return replicaCheck(countReplicas(service, tasks, image), true);
}
