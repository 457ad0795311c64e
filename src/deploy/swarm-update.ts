// Rolls the pushed digest out to Swarm services, all at once, with the docker CLI pointed at the
// manager; what each service did is read back from Swarm (swarm.ts). Never throws: each
// service's failure is part of its result.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docker, DockerError, type DockerOptions } from '../docker/cli.js';
import type { SwarmInputs, SwarmService, SwarmTls } from '../inputs/index.js';
import { pinnedImage, type Report, type ServiceResult } from '../report.js';
import {
  connectionArgs,
  countReplicas,
  inspectArgs,
  JOB_VERDICT,
  parseService,
  parseTasks,
  planFor,
  type Rollout,
  rolloutVerdict,
  type ServiceNow,
  type ServiceState,
  type ServiceVerdict,
  tasksArgs,
  TLS_FILES,
  unchangedVerdict,
  updateArgs,
} from './swarm.js';
import { warning } from '../log.js';

/** How long reading a service back may take once its rollout has ended or timed out. */
const READ_BACK_MS = 30_000;

/** The PEM texts as the files docker reads, in the step's folder (removed when the step ends). */
function writeTlsFiles(workspaceDir: string, tls: SwarmTls): string {
  const dir = path.join(workspaceDir, 'swarm-tls');
  fs.mkdirSync(dir, { mode: 0o700 });
  for (const part of ['ca', 'cert', 'key'] as const) {
    fs.writeFileSync(path.join(dir, TLS_FILES[part]), tls[part], { mode: 0o600 });
  }
  return dir;
}

/** docker's own words for why a command failed: its last line. */
function dockerMessage(error: unknown): string {
  if (!(error instanceof DockerError)) return (error as Error).message;
  return error.output.trim().split('\n').at(-1)?.trim() || error.message;
}

/** What the services of one step share: the manager, and which entry took which service. */
interface Swarm {
  inputs: SwarmInputs;
  connection: string[];
  /** Service id → the entry that updates it (a service listed by name and by id runs once). */
  claimed: Map<string, string>;
}

async function updateService(
  entry: SwarmService,
  image: string,
  swarm: Swarm,
): Promise<ServiceResult> {
  const start = performance.now();
  // swarm-timeout bounds the whole service: reading it, and waiting for Swarm's verdict.
  const deadline = start + swarm.inputs.timeoutSeconds * 1000;
  const run = (args: string[], options: DockerOptions = {}): Promise<string> =>
    docker([...swarm.connection, ...args], {
      echo: 'none',
      capture: true,
      timeoutMs: Math.max(1, deadline - performance.now()),
      ...options,
    });
  const readBack = { timeoutMs: READ_BACK_MS };
  const withTasks = (service: ServiceState, tasks: string): ServiceNow => {
    const list = parseTasks(tasks);
    return { service, tasks: list, replicas: countReplicas(service, list, image) };
  };
  /** The service and its tasks after the update, both asked at once. */
  const readNow = async (id: string): Promise<ServiceNow> => {
    const [service, tasks] = await Promise.all([
      run(inspectArgs(id), readBack),
      run(tasksArgs(id), readBack),
    ]);
    return withTasks(parseService(service), tasks);
  };
  let name = entry.name;
  let previousImage = '';
  const result = (verdict: ServiceVerdict, now?: ServiceNow): ServiceResult => ({
    kind: 'swarm',
    service: name,
    endpoint: swarm.inputs.host,
    image,
    previousImage,
    replicas: now?.replicas,
    durationMs: performance.now() - start,
    ...verdict,
  });

  let before: ServiceState;
  try {
    before = parseService(await run(inspectArgs(entry.name)));
  } catch (error) {
    return result({ status: 'failed', message: dockerMessage(error) });
  }
  // docker also takes a unique prefix of an id: only a name or a whole id is taken as given.
  if (before.name !== entry.name && before.id !== entry.name)
    return result({
      status: 'failed',
      message: `no service is named "${entry.name}" (docker took it as a prefix of the id of service ${before.name}; give the name)`,
    });
  name = before.name;
  previousImage = before.image;
  const claimedBy = swarm.claimed.get(before.id);
  if (claimedBy)
    return result({
      status: 'failed',
      message: `listed twice in swarm-services (as "${claimedBy}" and "${entry.name}"): updated once, as "${claimedBy}"`,
    });
  swarm.claimed.set(before.id, entry.name);
  if (before.mode === 'job') return result(JOB_VERDICT);

  const plan = planFor(before, image);
  if (plan !== 'update') {
    try {
      // Nothing was changed: the service as first read, and its tasks.
      const now = withTasks(before, await run(tasksArgs(before.id), readBack));
      return result(unchangedVerdict(now, image), now);
    } catch (error) {
      return result({
        status: 'unconfirmed',
        message: `already set to the pushed digest, but its tasks could not be read: ${dockerMessage(error)}`,
      });
    }
  }

  // A global service that no node is eligible for has no task: docker would wait for one until
  // swarm-timeout. Its spec is still updated, for a node that becomes eligible later.
  let wait = true;
  if (before.mode === 'global') {
    try {
      wait = withTasks(before, await run(tasksArgs(before.id))).replicas.desired !== 0;
    } catch (error) {
      return result({ status: 'failed', message: dockerMessage(error) });
    }
  }
  core.info(`${name}: updating to ${image}`);
  let commandError: string | undefined;
  let timedOutAfter: number | undefined;
  let previousLine = '';
  try {
    await run(updateArgs(before.id, image, wait), {
      capture: false,
      // docker repeats its progress line every few hundred milliseconds: each change is logged,
      // behind the service's name (which also keeps docker's text from reading as a command).
      onLine: (line) => {
        if (line.trim() && line !== previousLine) core.info(`${name}: ${line}`);
        previousLine = line;
      },
    });
  } catch (error) {
    const ending = error instanceof DockerError ? error.ending : 'exit';
    if (ending === 'not-started')
      return result({ status: 'failed', message: 'not updated: the step was cancelled first' });
    if (ending === 'stopped')
      return result({
        status: 'unconfirmed',
        message: 'the step was cancelled during the rollout; Swarm goes on with it',
      });
    if (ending === 'timeout') timedOutAfter = swarm.inputs.timeoutSeconds;
    else commandError = dockerMessage(error);
  }
  let now: Rollout['now'];
  try {
    now = await readNow(before.id);
  } catch (error) {
    now = { readBackError: dockerMessage(error) };
  }
  const verdict = rolloutVerdict({ before, image, commandError, timedOutAfter, now });
  return result(verdict, 'service' in now ? now : undefined);
}

/** Every service at once, each pinned to the digest of its repository. */
export async function updateServices(
  inputs: SwarmInputs,
  report: Report,
  workspaceDir: string,
): Promise<ServiceResult[]> {
  if (inputs.host.startsWith('tcp://') && !inputs.tls)
    warning(
      `swarm-host ${inputs.host} without swarm-tls-*: the connection is neither encrypted nor authenticated, and whoever reaches that port controls the manager`,
    );
  const tlsDir = inputs.tls ? writeTlsFiles(workspaceDir, inputs.tls) : undefined;
  const swarm: Swarm = {
    inputs,
    connection: connectionArgs(inputs.host, tlsDir),
    claimed: new Map(),
  };
  core.info(
    `Updating ${inputs.services.length} Swarm service(s) on ${inputs.host || "the runner's docker"}`,
  );
  const services = await Promise.all(
    inputs.services.map((entry) =>
      updateService(entry, pinnedImage(report, entry.repository), swarm),
    ),
  );
  for (const service of services)
    core.info(`${service.service}: ${service.status} ${service.message}`);
  return services;
}
