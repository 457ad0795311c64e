// `npm run local` (scripts/local.sh does the set-up first): runs the action's whole job on this
// machine as a new user would see it. Builds examples/hello, pushes it to a registry on loopback
// that this script starts, emails a local SendGrid-compatible outbox and deploys through real
// Watchtower (the fork scripts/tools.sh builds), which recreates a container of examples/hello on
// what was pushed; without it, a Watchtower stand-in answers, and the output says so. Then it
// prints the outputs and the job summary and saves the email's HTML.
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
import { missingWatchtower, startRealWatchtower } from '../__tests__/helpers/real-watchtower.js';
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

// As root, port 80 of a loopback address: an image name without a port, as on a real registry.
const registry = await startRegistry(undefined, { portless: process.getuid?.() === 0 });
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
const WATCHTOWER_TOKEN = 'local-watchtower-token';
const notBuilt = missingWatchtower();
const real = notBuilt
  ? undefined
  : await startRealWatchtower({ flavour: 'fork', token: WATCHTOWER_TOKEN });
const host = real ?? (await startWatchtower({ token: WATCHTOWER_TOKEN }));
const app = `hello-local-${process.pid}`;
const greeting = (): string => docker(['exec', app, 'cat', '/greeting.txt']).trim();
try {
  const hello = (message: string, inputs: Record<string, string> = {}) =>
    runAction({
      inputs: {
        context: 'examples/hello',
        tags: `${registry.host}/hello:local\n${registry.host}/hello:latest`,
        'build-args': `BASE=${baseImage}\nGREETING=${message}`,
        ...inputs,
      },
      builderEnv: builder?.env ?? {},
      event: {
        head_commit: {
          message: 'Local run of build-push-notify',
          timestamp: new Date().toISOString(),
        },
      },
    });
  if (real) {
    // What the host runs before: an earlier push of hello, in a container Watchtower watches.
    const before = await hello('hello from before this run');
    if (before.exitCode !== 0) throw new Error(`the first push failed:\n${before.stdout}`);
    docker([
      ...['run', '-d', '--name', app, '--label', 'com.centurylinklabs.watchtower.enable=true'],
      ...[`${registry.host}/hello:latest`, 'sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"],
    ]);
  }
  const run = await hello('hello from your machine', {
    'sendgrid-token': TOKEN,
    'sendgrid-api-url': outbox.url,
    mail: 'Team <team@example.com>',
    from: 'CI <ci@example.com>',
    'watchtower-url': host.url,
    'watchtower-token': WATCHTOWER_TOKEN,
    ...(swarm ? { 'swarm-services': `${swarmService}=${registry.host}/hello` } : {}),
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
  console.log('\n── deployment ──');
  const [answer] = JSON.parse(run.outputs['deploy-result'] ?? '[]') as { status?: string }[];
  if (real) {
    const running = docker(['inspect', '--format', '{{.Image}}', app]).trim();
    const digests = docker(['image', 'inspect', '--format', '{{join .RepoDigests ", "}}', running]);
    console.log(
      `Watchtower ${real.version} (nicholas-fedor/watchtower, built by scripts/tools.sh) at ${real.url} answered: ${answer?.status}.\n` +
        `Container ${app} now runs image ${running} (${digests.trim()}), which says "${greeting()}"; the action pushed ${run.outputs.digest}.`,
    );
  } else {
    const calls = 'calls' in host ? host.calls.map(({ images }) => images) : [];
    console.log(
      `Real Watchtower is not built here (${notBuilt}): a stand-in answered ${answer?.status} instead, and no container was updated. It received ${JSON.stringify(calls)}.`,
    );
  }
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
  if (real) {
    try {
      docker(['rm', '--force', app]);
    } catch {
      // never started (the first push failed)
    }
  }
  swarm?.leave();
  await registry.stop();
}
