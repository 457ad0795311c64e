// `npm run local` (scripts/local.sh does the set-up first): runs the action's whole job on this
// machine as a new user would see it. Builds examples/hello, pushes it to a registry on loopback
// that this script starts, emails a local SendGrid-compatible outbox and triggers a local
// Watchtower stand-in, then prints the outputs and the job summary and saves the email's HTML.
// `--builder classic|buildx|standalone` picks the builder; by default the action chooses, as on
// a runner (buildx when docker has it). `--swarm` also rolls the image out to a Swarm service on
// this machine's daemon (made a single-node swarm for the run if it is not in one).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, runAction } from '../__tests__/helpers/action.js';
import {
  BUILDERS,
  detectBuilders,
  ENGINE,
  type TestBuilder,
} from '../__tests__/helpers/builders.js';
import { BUSYBOX_BASE, makeContext } from '../__tests__/helpers/context.js';
import { startRegistry } from '../__tests__/helpers/registry.js';
import { startSendGrid } from '../__tests__/helpers/sendgrid-server.js';
import { localSwarm } from '../__tests__/helpers/swarm.js';
import { startWatchtower } from '../__tests__/helpers/watchtower-server.js';

const OUT = path.join(ROOT, '.tmp', 'local-run');
const TOKEN = 'SG.local-outbox-token';
const CHOICES = {
  classic: 'classic',
  buildx: 'buildx-docker',
  standalone: 'buildx-standalone',
} as const;

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

try {
  docker(['info']);
} catch {
  console.error('No Docker daemon answers. As root, run: bash scripts/setup-machine.sh');
  process.exit(1);
}

const USAGE = `usage: npm run local [-- --builder ${Object.keys(CHOICES).join('|')}] [--swarm]
  classic     docker build, then docker push (DOCKER_BUILDKIT=0)
  buildx      docker buildx build on the default builder (dockerd's own BuildKit)
  standalone  docker buildx build on a buildx builder named "standalone"
  (none)      the action chooses, as on a runner: buildx when docker has it
  --swarm     also roll the image out to a 2-replica Swarm service on this daemon (it is made a
              single-node swarm for the run, and leaves it after, unless it already was one)`;

let options: { builder?: string; help?: boolean; swarm?: boolean };
try {
  options = parseArgs({
    options: {
      builder: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      swarm: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(1);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
let builder: TestBuilder | undefined;
if (options.builder) {
  const id = CHOICES[options.builder as keyof typeof CHOICES];
  if (!id) {
    console.error(`--builder must be one of ${Object.keys(CHOICES).join(', ')}\n${USAGE}`);
    process.exit(1);
  }
  const missing = detectBuilders(ENGINE)[id].missing; // the daemon DOCKER_HOST names, if set
  if (missing) {
    console.error(`--builder ${options.builder}: ${missing}`);
    process.exit(1);
  }
  builder = BUILDERS[id];
}

const registry = await startRegistry();
// examples/hello starts FROM busybox; with no Docker Hub here, a busybox image built FROM scratch
// stands in, in the local registry, where every builder can pull it (the standalone builder
// does not see dockerd's images).
const baseImage = `${registry.host}/busybox:1`;
const baseContext = makeContext(BUSYBOX_BASE);
docker(['build', '--quiet', '--tag', baseImage, baseContext]);
docker(['push', '--quiet', baseImage]);
fs.rmSync(baseContext, { recursive: true, force: true });

/** For --swarm: a 2-replica service running the base image, with a command that stays up. */
const swarmService = `hello-local-${process.pid}`;
const swarm = options.swarm ? localSwarm() : undefined;
swarm?.createService(swarmService, baseImage, {
  replicas: 2,
  flags: ['--update-failure-action', 'rollback'],
  command: ['sleep', '3600'],
});
const outbox = await startSendGrid(TOKEN);
const host = await startWatchtower({ flavour: 'fork', token: 'local-watchtower-token' });
try {
  const run = await runAction({
    inputs: {
      context: 'examples/hello',
      tags: `${registry.host}/hello:local\n${registry.host}/hello:latest`,
      'build-args': `BASE=${baseImage}\nGREETING=hello from your machine`,
      'sendgrid-token': TOKEN,
      'sendgrid-api-url': outbox.url,
      mail: 'Team <team@example.com>',
      from: 'CI <ci@example.com>',
      'watchtower-url': host.url,
      'watchtower-token': 'local-watchtower-token',
      ...(swarm ? { 'swarm-services': `${swarmService}=${registry.host}/hello` } : {}),
    },
    builderEnv: builder?.env ?? {},
    event: {
      head_commit: {
        message: 'Local run of build-push-notify',
        timestamp: new Date().toISOString(),
      },
    },
  });
  fs.mkdirSync(OUT, { recursive: true });
  const email = outbox.received.at(-1)?.body;
  const html = email?.content?.find((part) => part.type === 'text/html')?.value ?? '';
  fs.writeFileSync(path.join(OUT, 'email.html'), html);
  fs.writeFileSync(path.join(OUT, 'summary.md'), run.summary);

  console.log('── the action’s log ──\n' + run.stdout + run.stderr);
  console.log('── outputs ──');
  for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value}`);
  console.log('\n── job summary ──\n' + run.summary);
  console.log('── email ──');
  console.log(
    email
      ? `subject: ${email.subject}\nHTML saved to ${path.relative(process.cwd(), path.join(OUT, 'email.html'))}`
      : 'no email was sent',
  );
  console.log(
    `\n── deployment ──\nthe Watchtower stand-in received: ${JSON.stringify(host.calls.map(({ method, path: p, images }) => ({ method, path: p, images })))}`,
  );
  if (swarm) {
    const tasks = docker([
      'service',
      'ps',
      '--no-trunc',
      '--filter',
      'desired-state=running',
      '--format',
      '{{.Name}} {{.Image}} {{.CurrentState}}',
      swarmService,
    ]);
    console.log(`Swarm runs (docker service ps ${swarmService}):\n${tasks.trimEnd()}`);
  }
  console.log(
    `\nThe registry served ${await registry.manifestDigest('hello', 'local')} for hello:local; the action said ${run.outputs.digest}.`,
  );
  process.exitCode = run.exitCode;
} finally {
  await Promise.all([outbox.stop(), host.stop()]);
  swarm?.leave();
  await registry.stop();
}
