// Rolls the pushed digest out to Swarm services, all at once, with the docker CLI pointed at the
// manager; what each service did is read back from Swarm (swarm.ts). Never throws: each
// service's failure is part of its result.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docker, DockerError, type DockerOptions } from '../docker/cli.js';
import type { SwarmInputs, SwarmService, SwarmTls } from '../inputs/index.js';
import { pinnedImage, type Replicas, type Report, type ServiceResult } from '../report.js';
import {
  alreadyRuns,
  connectionArgs,
  countReplicas,
  inspectArgs,
  parseService,
  parseTasks,
  type Rollout,
  rolloutVerdict,
  type ServiceState,
  type TaskState,
  tasksArgs,
  TLS_FILES,
  unchangedVerdict,
  updateArgs,
} from './swarm.js';

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
  const lines = error.logTail.split('\n').filter((line) => line.trim());
  return (
    lines
      .filter((line) => !/^stopped[: ]/.test(line))
      .at(-1)
      ?.trim() ?? error.message
  );
}

async function updateService(
  service: SwarmService,
  image: string,
  swarm: SwarmInputs,
  connection: string[],
): Promise<ServiceResult> {
  const start = performance.now();
  // swarm-timeout bounds the whole service: reading it, and waiting for Swarm's verdict.
  const deadline = start + swarm.timeoutSeconds * 1000;
  const run = (args: string[], options: DockerOptions = {}): Promise<string> =>
    docker([...connection, ...args], {
      echo: 'none',
      capture: true,
      timeoutMs: Math.max(1, deadline - performance.now()),
      ...options,
    });
  const readTasks = async (id: string): Promise<TaskState[]> =>
    parseTasks(await run(tasksArgs(id), { timeoutMs: READ_BACK_MS }));
  const result = (
    outcome: Pick<ServiceResult, 'status' | 'message'>,
    previousImage = '',
    replicas?: Replicas,
  ): ServiceResult => ({
    kind: 'swarm',
    service: service.name,
    endpoint: swarm.host,
    image,
    previousImage,
    replicas,
    durationMs: performance.now() - start,
    ...outcome,
  });

  let before: ServiceState;
  try {
    before = parseService(await run(inspectArgs(service.name)));
  } catch (error) {
    return result({ status: 'failed', message: dockerMessage(error) });
  }
  if (alreadyRuns(before, image)) {
    const tasks = await readTasks(before.id).catch(() => []);
    return result(
      unchangedVerdict(before, tasks, image),
      before.image,
      countReplicas(before, tasks, image),
    );
  }

  core.info(`${service.name}: updating to ${image}`);
  let commandError: string | undefined;
  let timedOutAfter: number | undefined;
  let previousLine = '';
  try {
    await run(updateArgs(before.id, image), {
      capture: false,
      // docker repeats its progress line every few hundred milliseconds: each change is logged,
      // behind the service's name (which also keeps docker's text from reading as a command).
      onLine: (line) => {
        if (line.trim() && line !== previousLine) core.info(`${service.name}: ${line}`);
        previousLine = line;
      },
    });
  } catch (error) {
    const ending = error instanceof DockerError ? error.ending : 'exit';
    if (ending === 'not-started')
      return result({ status: 'failed', message: 'not updated: the step was cancelled first' });
    if (ending === 'stopped')
      return result(
        {
          status: 'unconfirmed',
          message: 'the step was cancelled during the rollout; Swarm goes on with it',
        },
        before.image,
      );
    if (ending === 'timeout') timedOutAfter = swarm.timeoutSeconds;
    else commandError = dockerMessage(error);
  }

  let after: Rollout['after'];
  let tasks: TaskState[] = [];
  try {
    after = parseService(await run(inspectArgs(before.id), { timeoutMs: READ_BACK_MS }));
    tasks = await readTasks(before.id);
  } catch (error) {
    after = { readBackError: dockerMessage(error) };
  }
  return result(
    rolloutVerdict({ before, after, tasks, image, commandError, timedOutAfter }),
    before.image,
    'readBackError' in after ? undefined : countReplicas(after, tasks, image),
  );
}

/** Every service at once, each pinned to the digest of its repository. */
export async function updateServices(
  swarm: SwarmInputs,
  report: Report,
  workspaceDir: string,
): Promise<ServiceResult[]> {
  if (swarm.host.startsWith('tcp://') && !swarm.tls)
    core.warning(
      `swarm-host ${swarm.host} without swarm-tls-*: the connection is neither encrypted nor authenticated, and whoever reaches that port controls the manager`,
    );
  const tlsDir = swarm.tls ? writeTlsFiles(workspaceDir, swarm.tls) : undefined;
  const connection = connectionArgs(swarm.host, tlsDir);
  core.info(
    `Updating ${swarm.services.length} Swarm service(s) on ${swarm.host || "the runner's docker"}`,
  );
  const services = await Promise.all(
    swarm.services.map((service) =>
      updateService(service, pinnedImage(report, service.repository), swarm, connection),
    ),
  );
  for (const service of services)
    core.info(`${service.service}: ${service.status} ${service.message}`);
  return services;
}
