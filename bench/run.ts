// `npm run bench`: the action against raw docker and bare node, side by side on the same daemon,
// registry and builder, repetitions interleaved (A B A B …), medians. Every measured process
// starts from the same minimal environment (PATH, HOME and what the run itself needs), as a
// runner starts a fresh node: an inherited NODE_EXTRA_CA_CERTS alone triples node's start-up.
// Needs the test command's set-up (dockerd, docker-registry, static busybox, curl); measures on
// each builder the machine has. BENCH_REPS overrides the count.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE, GITHUB_CONTEXT, node24, ROOT, runAction } from '../__tests__/helpers/action.js';
import {
  BUILDERS,
  detectBuilders,
  ENGINE,
  type TestBuilder,
} from '../__tests__/helpers/builders.js';
import { BUSYBOX_BASE, makeContext } from '../__tests__/helpers/context.js';
import { startRegistry } from '../__tests__/helpers/registry.js';
import { localSwarm } from '../__tests__/helpers/swarm.js';
import { startSendGrid } from '../__tests__/helpers/sendgrid-server.js';
import { startWatchtower, type WatchtowerServer } from '../__tests__/helpers/watchtower-server.js';

const REPS = Number(process.env.BENCH_REPS ?? 9);
/** The Node the runner starts the action with (runs.using: node24); F and bare node use it too. */
const NODE = node24();
const OUT = path.join(ROOT, 'bench', '.out');
const SG_TOKEN = 'SG.bench-token';
const WT_TOKEN = 'bench-watchtower-token';
const EVENT = { head_commit: { message: 'bench', timestamp: '2026-11-01T00:00:00Z' } };
/** Variables that change how node starts: none may reach a measured process. */
const LEAKS = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];

/** The environment every measured process starts from; runAction builds the action's from it too. */
const BARE: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: os.homedir() };

/** A measured process's environment: the bare one and `extra`; refuses a leaked node variable. */
function bare(extra: Record<string, string> = {}): Record<string, string> {
  const env = { ...BARE, ...extra };
  const leaked = LEAKS.filter((name) => name in env);
  if (leaked.length > 0) throw new Error(`bench: ${leaked.join(', ')} would reach a measurement`);
  return env;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number): string => `${Math.round(value)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

/** Runs each variant once per round, in turn, for `reps` rounds; returns the medians. */
async function interleaved(
  variants: Record<string, () => Promise<number>>,
  reps = REPS,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(variants).map((name) => [name, []]),
  );
  for (let round = 0; round < reps; round++) {
    for (const [name, variant] of Object.entries(variants)) samples[name]!.push(await variant());
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, median(values)]),
  );
}

/** Wall time of a command. Asynchronous: the stand-in servers live in this process. */
async function timed(
  command: string,
  args: string[],
  env: Record<string, string>,
  expectedExit = 0,
): Promise<number> {
  const start = performance.now();
  // Both streams read, as a runner reads a step's log (docker build and push print to stdout).
  const child = spawn(command, args, { env: bare(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const elapsed = performance.now() - start;
  if (code !== expectedExit)
    throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`);
  return elapsed;
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** F: the floor any JavaScript action pays (bench/floor), bundled with dist/'s ncc flags. */
function buildFloor(): string {
  const out = path.join(OUT, 'floor');
  execFileSync(
    'npx',
    [
      'ncc',
      'build',
      'bench/floor/index.ts',
      '-o',
      out,
      '--license',
      'licenses.txt',
      '--target',
      'es2022',
      '--no-cache',
      '--quiet',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  return path.join(out, 'index.js');
}

/** Time from the first request any host received to the last answer any host sent. */
function deployWall(hosts: WatchtowerServer[]): () => number {
  const arrivals: number[] = [];
  const ends: number[] = [];
  for (const host of hosts) {
    host.server.on('request', (_request, response) => {
      arrivals.push(performance.now());
      response.on('finish', () => ends.push(performance.now()));
    });
  }
  return () => {
    const wall = Math.max(...ends) - Math.min(...arrivals);
    arrivals.length = 0;
    ends.length = 0;
    return wall;
  };
}

fs.mkdirSync(OUT, { recursive: true });
const floor = buildFloor();
const registry = await startRegistry();
const sendgrid = await startSendGrid(SG_TOKEN);
const host = await startWatchtower({ token: WT_TOKEN });
const warmContext = makeContext(
  `${BUSYBOX_BASE}ARG GREETING=hi\nRUN echo "$GREETING" > /greeting\nCMD ["/bin/sleep", "600"]\n`,
);
const coldContext = makeContext(
  `${BUSYBOX_BASE}RUN sleep 0.5 && echo one > /one\nRUN sleep 0.5 && echo two > /two\nRUN sleep 0.5 && echo three > /three\n`,
);
const rows: string[][] = [];
/** Records a row of the table, and shows it at once (a later failure keeps what was measured). */
function record(...row: string[]): void {
  rows.push(row);
  progress(`| ${row.join(' | ')} |`);
}
const detected = detectBuilders(ENGINE); // the machine's daemon, or DOCKER_HOST's
const builders = Object.values(BUILDERS).filter((builder) => !detected[builder.id].missing);
const tags = (name: string) => [`${registry.host}/${name}:1`, `${registry.host}/${name}:latest`];
// The labels the action adds (from the run's facts), which the raw variant "+ labels" passes too.
const LABELS = [
  `org.opencontainers.image.source=${GITHUB_CONTEXT.GITHUB_SERVER_URL}/${GITHUB_CONTEXT.GITHUB_REPOSITORY}`,
  `org.opencontainers.image.revision=${GITHUB_CONTEXT.GITHUB_SHA}`,
  `org.opencontainers.image.created=${new Date(EVENT.head_commit.timestamp).toISOString()}`,
];

/** What the raw side adds to the hand-written command, to see what each of the action's extras costs. */
interface RawExtras {
  /** Extra flags, given the variant's own scratch folder (for files buildx writes). */
  flags?: (dir: string) => string[];
  env?: Record<string, string>;
}

/**
 * The step a user would write by hand on the builder: classic `docker build` then a
 * `docker push` per tag; buildx one `docker buildx build --push` (the builder chosen by
 * BUILDX_BUILDER, as for the action). Its output is read, as a runner reads a step's log.
 */
function rawBuild(
  builder: TestBuilder,
  context: string,
  repoTags: string[],
  noCache: boolean,
  extras: RawExtras = {},
) {
  const dir = fs.mkdtempSync(path.join(OUT, 'raw-'));
  const flags = [
    ...(noCache ? ['--no-cache'] : []),
    ...(extras.flags?.(dir) ?? []),
    '--build-arg',
    'GREETING=bench',
    ...repoTags.flatMap((tag) => ['-t', tag]),
    context,
  ];
  const env = { ...builder.env, ...extras.env };
  if (builder.buildx) return () => timed('docker', ['buildx', 'build', '--push', ...flags], env);
  return async () => {
    let total = await timed('docker', ['build', ...flags], env);
    for (const tag of repoTags) total += await timed('docker', ['push', tag], env);
    return total;
  };
}

/**
 * The action's extras on top of the hand-written buildx command, one at a time: its labels, its
 * metadata file (which makes buildx fetch the provenance for it, unless
 * BUILDX_METADATA_PROVENANCE=disabled), and the old harness's `-q`.
 */
const RAW_VARIANTS: Record<string, RawExtras> = {
  '+ labels': { flags: () => LABELS.flatMap((label) => ['--label', label]) },
  '+ --metadata-file': { flags: (dir) => ['--metadata-file', path.join(dir, 'metadata.json')] },
  '+ --metadata-file, BUILDX_METADATA_PROVENANCE=disabled': {
    flags: (dir) => ['--metadata-file', path.join(dir, 'metadata.json')],
    env: { BUILDX_METADATA_PROVENANCE: 'disabled' },
  },
  '+ -q': { flags: () => ['-q'] },
};

/** The action building and pushing two tags on `builder`: no email, no deploy. */
async function actionRun(
  builder: TestBuilder,
  context: string,
  repoTags: string[],
  extra: Record<string, string> = {},
) {
  const run = await runAction({
    inputs: { context, tags: repoTags.join('\n'), 'build-args': 'GREETING=bench', ...extra },
    builderEnv: builder.env,
    event: EVENT,
  });
  if (run.exitCode !== 0) throw new Error(`action failed:\n${run.stdout}`);
  return run;
}

progress(
  `every measured process starts from PATH=${BARE.PATH} HOME=${BARE.HOME}; the action adds RUNNER_TEMP, GITHUB_* and INPUT_* (as a runner does), each builder its variable; ${LEAKS.join(' and ')} refused`,
);
try {
  for (const builder of builders) {
    const on = `${builder.id} (${Object.entries(builder.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')})`;
    progress(`${on}: warm cache`);
    const warmAction = tags(`warm-action-${builder.id}`);
    const warmRaw = tags(`warm-raw-${builder.id}`);
    const variants = builder.buildx ? RAW_VARIANTS : { '+ labels': RAW_VARIANTS['+ labels']! };
    const warmRuns: Record<string, () => Promise<number>> = {
      action: async () => (await actionRun(builder, warmContext, warmAction)).durationMs,
      raw: rawBuild(builder, warmContext, warmRaw, false),
      floor: () => timed(NODE, [floor], { INPUT_TAGS: 'x' }),
      node: () => timed(NODE, ['-e', '0'], {}),
      ...Object.fromEntries(
        Object.entries(variants).map(([name, extras], i) => [
          name,
          rawBuild(builder, warmContext, tags(`warm-raw-${builder.id}-${i}`), false, extras),
        ]),
      ),
    };
    // Once each first, so every measured run finds its layers cached.
    for (const run of Object.values(warmRuns)) await run();
    const warm = await interleaved(warmRuns);
    record(
      `${builder.id}: warm build + push of 2 tags`,
      `action ${ms(warm.action!)}`,
      `raw ${ms(warm.raw!)} + F ${ms(warm.floor!)}`,
      ratio(warm.action!, warm.raw! + warm.floor!),
      '≤ 1.10×',
    );
    // The same runs against a bare node instead of F: what a harness without F would report.
    record(
      `${builder.id}: the same, against raw + bare node`,
      `action ${ms(warm.action!)}`,
      `raw ${ms(warm.raw!)} + node -e 0 ${ms(warm.node!)}`,
      ratio(warm.action!, warm.raw! + warm.node!),
      '',
    );
    for (const name of Object.keys(variants))
      record(
        `${builder.id}: raw ${name}`,
        `${ms(warm[name]!)}`,
        `raw ${ms(warm.raw!)}`,
        `${warm[name]! >= warm.raw! ? '+' : ''}${ms(warm[name]! - warm.raw!)}`,
        '',
      );

    progress(`${on}: cold build`);
    const cold = await interleaved(
      {
        action: async () =>
          (
            await actionRun(builder, coldContext, tags(`cold-action-${builder.id}`), {
              'no-cache': 'true',
            })
          ).durationMs,
        raw: rawBuild(builder, coldContext, tags(`cold-raw-${builder.id}`), true),
        // The classic builder commits --label as one more step (BuildKit writes labels into the
        // image config): what the action's OCI labels cost there.
        ...(!builder.buildx && {
          '+ labels': rawBuild(
            builder,
            coldContext,
            tags(`cold-raw-labels-${builder.id}`),
            true,
            RAW_VARIANTS['+ labels'],
          ),
        }),
      },
      REPS,
    );
    record(
      `${builder.id}: cold build (no cache)`,
      `action ${ms(cold.action!)}`,
      `raw ${ms(cold.raw!)}`,
      ratio(cold.action!, cold.raw!),
      '≤ 1.05×',
    );
    if (cold['+ labels'] !== undefined)
      record(
        `${builder.id}: cold, raw + labels`,
        `${ms(cold['+ labels'])}`,
        `raw ${ms(cold.raw!)}`,
        `+${ms(cold['+ labels'] - cold.raw!)}; action against it ${ratio(cold.action!, cold['+ labels'])}`,
        '',
      );
  }

  progress('cold start');
  // A run that stops at input validation, against the floor and bare node.
  const start = await interleaved(
    {
      action: () =>
        timed(NODE, [BUNDLE], { INPUT_PUSH: 'maybe', INPUT_TAGS: 'app:1', RUNNER_TEMP: OUT }, 1),
      floor: () => timed(NODE, [floor], { INPUT_TAGS: 'x' }),
      node: () => timed(NODE, ['-e', '0'], {}),
    },
    REPS * 2,
  );
  record(
    'Cold start (stops at input validation)',
    `action ${ms(start.action!)}`,
    `F ${ms(start.floor!)}; node -e 0 ${ms(start.node!)}`,
    ratio(start.action!, start.floor!),
    '≤ 1.25× F',
  );

  const classic = BUILDERS.classic;
  const warmTags = tags('warm-action-classic');
  progress('email fan-out');
  for (const count of [1, 1000, 2500]) {
    const mail = Array.from({ length: count }, (_, i) => `user${i}@example.com`).join('\n');
    const before = sendgrid.requestCount();
    const run = await actionRun(classic, warmContext, warmTags, {
      'sendgrid-token': SG_TOKEN,
      'sendgrid-api-url': sendgrid.url,
      from: 'ci@example.com',
      mail,
    });
    const requests = sendgrid.requestCount() - before;
    record(
      `Email, ${count} recipient(s)`,
      `${requests} request(s)`,
      `step ${ms(run.durationMs)}`,
      `${requests} = ⌈${count}/1000⌉: ${requests === Math.ceil(count / 1000) ? 'yes' : 'NO'}`,
      '⌈n/1000⌉ requests',
    );
  }

  progress('Watchtower fan-out');
  // Hosts that each answer after 500 ms.
  const deployWalls: Record<number, number> = {};
  for (const count of [1, 4, 16]) {
    const hosts = await Promise.all(
      Array.from({ length: count }, () => startWatchtower({ token: WT_TOKEN, delayMs: 500 })),
    );
    const wall = deployWall(hosts);
    const samples: number[] = [];
    for (let i = 0; i < Math.max(3, Math.ceil(REPS / 3)); i++) {
      await actionRun(classic, warmContext, warmTags, {
        'watchtower-url': hosts.map((h) => h.url).join('\n'),
        'watchtower-token': WT_TOKEN,
      });
      samples.push(wall());
    }
    deployWalls[count] = median(samples);
    await Promise.all(hosts.map((h) => h.stop()));
    record(
      `Deploy, ${count} Watchtower host(s) × 500 ms`,
      `deploy stage ${ms(deployWalls[count]!)}`,
      '',
      count === 1 ? '' : `${ratio(deployWalls[count]!, deployWalls[1]!)} of 1 host`,
      count === 16 ? '≤ 1.3× of 1 host' : '',
    );
  }

  progress('Swarm fan-out');
  for (const row of await swarmFanOut(classic, warmContext)) record(...row);

  // Bundle.
  const size = (file: string) => fs.statSync(file).size;
  const chunks = fs.readdirSync(path.dirname(BUNDLE)).filter((f) => f.endsWith('.js'));
  const total = chunks.reduce((sum, f) => sum + size(path.join(path.dirname(BUNDLE), f)), 0);
  record(
    'Bundle',
    `dist/index.js ${(size(BUNDLE) / 1024).toFixed(0)} KiB`,
    `all of dist/*.js ${(total / 1024).toFixed(0)} KiB`,
    `F ${(size(floor) / 1024).toFixed(0)} KiB`,
    '',
  );
} finally {
  await Promise.all([sendgrid.stop(), host.stop()]);
  await registry.stop();
  fs.rmSync(warmContext, { recursive: true, force: true });
  fs.rmSync(coldContext, { recursive: true, force: true });
}

/**
 * 1 and 4 services of one replica on this daemon made a single-node swarm (left again unless it
 * was one): the deploy stage's wall time, from the services' own durations (they start together).
 * Each run pushes a new digest (a build-arg changes), so every service really rolls out.
 */
async function swarmFanOut(builder: TestBuilder, context: string): Promise<string[][]> {
  const swarm = localSwarm();
  const repoTags = tags('swarm-bench');
  const services = Array.from({ length: 4 }, (_, i) => `bench-svc-${process.pid}-${i}`);
  const walls: Record<number, number> = {};
  let version = 0;
  try {
    const first = await actionRun(builder, context, repoTags);
    for (const name of services) swarm.createService(name, first.outputs.image!);
    for (const count of [1, 4]) {
      const samples: number[] = [];
      for (let i = 0; i < Math.max(3, Math.ceil(REPS / 3)); i++) {
        const run = await actionRun(builder, context, repoTags, {
          'build-args': `GREETING=swarm-${++version}`,
          'swarm-services': services.slice(0, count).join('\n'),
        });
        const results = JSON.parse(run.outputs['deploy-result']!) as {
          status: string;
          durationMs: number;
        }[];
        if (results.some((r) => r.status !== 'updated'))
          throw new Error(`swarm bench: ${run.outputs['deploy-result']}`);
        samples.push(Math.max(...results.map((r) => r.durationMs)));
      }
      walls[count] = median(samples);
    }
  } finally {
    swarm.leave();
  }
  return [
    [`Deploy, 1 Swarm service`, `deploy stage ${ms(walls[1]!)}`, '', '', ''],
    [
      `Deploy, 4 Swarm services`,
      `deploy stage ${ms(walls[4]!)}`,
      '',
      `${ratio(walls[4]!, walls[1]!)} of 1 service`,
      '≤ 1.3× of 1 service',
    ],
  ];
}

const table = [
  `build-push-notify benchmark, ${new Date().toISOString()}, node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()} (the action, F and bare node), ${os.cpus().length} cores, ${REPS} interleaved repetitions, medians`,
  `every measured process: PATH=${BARE.PATH} HOME=${BARE.HOME} (plus, for the action, RUNNER_TEMP, GITHUB_*, INPUT_* and the builder's variable; for raw docker, the builder's variable)`,
  '',
  '| Measure | Action | Baseline | Ratio | Target |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');
console.log(table);
fs.writeFileSync(path.join(OUT, 'results.md'), `${table}\n`);
