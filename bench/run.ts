// `npm run bench`: the action against raw docker and bare node, side by side on the same daemon
// and registry, repetitions interleaved (A B A B …), medians. Needs the test command's set-up
// (a running dockerd, docker-registry, static busybox, curl). BENCH_REPS overrides the count.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE, GITHUB_CONTEXT, ROOT, runAction } from '../__tests__/helpers/action.js';
import { BUSYBOX_BASE, makeContext } from '../__tests__/helpers/context.js';
import { startRegistry } from '../__tests__/helpers/registry.js';
import { startSendGrid } from '../__tests__/helpers/sendgrid-server.js';
import { startWatchtower, type WatchtowerServer } from '../__tests__/helpers/watchtower-server.js';

const REPS = Number(process.env.BENCH_REPS ?? 9);
// The classic builder for both sides: the action runs with DOCKER_BUILDKIT=0 (runAction's default
// builder outside the test projects), and so does the raw script, which inherits this.
process.env.DOCKER_BUILDKIT = '0';
const OUT = path.join(ROOT, 'bench', '.out');
const SG_TOKEN = 'SG.bench-token';
const WT_TOKEN = 'bench-watchtower-token';
const EVENT = { head_commit: { message: 'bench', timestamp: '2026-11-01T00:00:00Z' } };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number): string => `${Math.round(value)} ms`;

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
  env: NodeJS.ProcessEnv = process.env,
  expectedExit = 0,
): Promise<number> {
  const start = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
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
const host = await startWatchtower({ flavour: 'fork', token: WT_TOKEN });
const warmContext = makeContext(
  `${BUSYBOX_BASE}ARG GREETING=hi\nRUN echo "$GREETING" > /greeting\n`,
);
const coldContext = makeContext(
  `${BUSYBOX_BASE}RUN sleep 0.5 && echo one > /one\nRUN sleep 0.5 && echo two > /two\nRUN sleep 0.5 && echo three > /three\n`,
);
const rows: string[][] = [];
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

try {
  const tags = (name: string) => [`${registry.host}/${name}:1`, `${registry.host}/${name}:latest`];
  const mailBody = JSON.stringify({
    personalizations: [{ to: [{ email: 'team@example.com' }] }],
    from: { email: 'ci@example.com' },
    subject: 'pushed',
    content: [{ type: 'text/plain', value: 'pushed' }],
  });
  // The action adds three OCI labels; "raw + labels" passes the same ones, so the difference
  // between the two raw variants is what the labels cost the classic builder (a step each).
  const ociLabels = [
    `org.opencontainers.image.source=${GITHUB_CONTEXT.GITHUB_SERVER_URL}/${GITHUB_CONTEXT.GITHUB_REPOSITORY}`,
    `org.opencontainers.image.revision=${GITHUB_CONTEXT.GITHUB_SHA}`,
    `org.opencontainers.image.created=${new Date(EVENT.head_commit.timestamp).toISOString()}`,
  ];
  const rawScript = (
    context: string,
    repoTags: string[],
    noCache: boolean,
    labels = false,
  ) => `set -e
docker build -q ${noCache ? '--no-cache ' : ''}${labels ? ociLabels.map((l) => `--label ${l} `).join('') : ''}--build-arg GREETING=bench -t ${repoTags[0]} -t ${repoTags[1]} ${context} >/dev/null
docker push ${repoTags[0]} >/dev/null
docker push ${repoTags[1]} >/dev/null
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer ${SG_TOKEN}" -H 'Content-Type: application/json' -d '${mailBody}' ${sendgrid.url}/v3/mail/send
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer ${WT_TOKEN}" '${host.url}/v1/update?image=${repoTags[0]!.split(':').slice(0, 2).join(':')}'
`;
  const action = async (
    context: string,
    repoTags: string[],
    extra: Record<string, string> = {},
  ) => {
    const run = await runAction({
      inputs: {
        context,
        tags: repoTags.join('\n'),
        'build-args': 'GREETING=bench',
        'sendgrid-token': SG_TOKEN,
        'sendgrid-api-url': sendgrid.url,
        mail: 'team@example.com',
        from: 'ci@example.com',
        'watchtower-url': host.url,
        'watchtower-token': WT_TOKEN,
        ...extra,
      },
      event: EVENT,
    });
    if (run.exitCode !== 0) throw new Error(`action failed:\n${run.stdout}`);
    return run;
  };

  // 1. Step overhead, warm cache: every layer already present (the common CI re-run).
  const warmAction = tags('warm-action');
  const warmRaw = tags('warm-raw');
  await action(warmContext, warmAction);
  const warmRawLabels = tags('warm-raw-labels');
  await timed('sh', ['-c', rawScript(warmContext, warmRaw, false)]);
  await timed('sh', ['-c', rawScript(warmContext, warmRawLabels, false, true)]);
  progress('step overhead, warm cache');
  const warm = await interleaved({
    action: async () => (await action(warmContext, warmAction)).durationMs,
    raw: () => timed('sh', ['-c', rawScript(warmContext, warmRaw, false)]),
    rawLabels: () => timed('sh', ['-c', rawScript(warmContext, warmRawLabels, false, true)]),
    floor: () => timed('node', [floor], { ...process.env, INPUT_TAGS: 'x' }),
  });
  rows.push([
    'Step overhead, warm cache',
    `action ${ms(warm.action!)}`,
    `raw shell ${ms(warm.raw!)} + F ${ms(warm.floor!)}`,
    ratio(warm.action!, warm.raw! + warm.floor!),
    '≤ 1.10×',
  ]);
  rows.push([
    'Step overhead, warm cache, same labels',
    `action ${ms(warm.action!)}`,
    `raw shell with the 3 OCI labels ${ms(warm.rawLabels!)} + F ${ms(warm.floor!)}`,
    ratio(warm.action!, warm.rawLabels! + warm.floor!),
    '≤ 1.10×',
  ]);

  progress('step overhead, cold build');
  // 2. Step overhead, cold build (no-cache; three RUN steps of 0.5 s each).
  const cold = await interleaved(
    {
      action: async () =>
        (await action(coldContext, tags('cold-action'), { 'no-cache': 'true' })).durationMs,
      raw: () => timed('sh', ['-c', rawScript(coldContext, tags('cold-raw'), true)]),
      rawLabels: () =>
        timed('sh', ['-c', rawScript(coldContext, tags('cold-raw-labels'), true, true)]),
    },
    Math.max(3, Math.ceil(REPS / 2)),
  );
  rows.push([
    'Step overhead, cold build',
    `action ${ms(cold.action!)}`,
    `raw shell ${ms(cold.raw!)}`,
    ratio(cold.action!, cold.raw!),
    '≤ 1.05×',
  ]);
  rows.push([
    'Step overhead, cold build, same labels',
    `action ${ms(cold.action!)}`,
    `raw shell with the 3 OCI labels ${ms(cold.rawLabels!)}`,
    ratio(cold.action!, cold.rawLabels!),
    '≤ 1.05×',
  ]);

  progress('cold start');
  // 3. Cold start: a run that stops at input validation, against the floor and bare node.
  const invalid = { ...process.env, INPUT_PUSH: 'maybe', INPUT_TAGS: 'app:1' };
  const start = await interleaved(
    {
      action: () => timed('node', [BUNDLE], invalid, 1),
      floor: () => timed('node', [floor], { ...process.env, INPUT_TAGS: 'x' }),
      node: () => timed('node', ['-e', '0']),
    },
    REPS * 2,
  );
  rows.push([
    'Cold start (stops at input validation)',
    `action ${ms(start.action!)}`,
    `F ${ms(start.floor!)}; node -e 0 ${ms(start.node!)}`,
    ratio(start.action!, start.floor!),
    '≤ 1.25× F',
  ]);

  progress('email and deploy fan-out');
  // 4. Email fan-out. One run first: the cold builds above replaced layers the warm context shares.
  await action(warmContext, warmAction);
  for (const count of [1, 1000, 2500]) {
    const mail = Array.from({ length: count }, (_, i) => `user${i}@example.com`).join('\n');
    const before = sendgrid.requestCount();
    const run = await action(warmContext, warmAction, { mail });
    const requests = sendgrid.requestCount() - before;
    rows.push([
      `Email, ${count} recipient(s)`,
      `${requests} request(s)`,
      `step ${ms(run.durationMs)}`,
      `${requests} = ⌈${count}/1000⌉: ${requests === Math.ceil(count / 1000) ? 'yes' : 'NO'}`,
      '⌈n/1000⌉ requests',
    ]);
  }

  // 5. Deploy fan-out: hosts that each answer after 500 ms.
  const deployWalls: Record<number, number> = {};
  for (const count of [1, 4, 16]) {
    const hosts = await Promise.all(
      Array.from({ length: count }, () =>
        startWatchtower({ flavour: 'fork', token: WT_TOKEN, delayMs: 500 }),
      ),
    );
    const wall = deployWall(hosts);
    const samples: number[] = [];
    for (let i = 0; i < Math.max(3, Math.ceil(REPS / 3)); i++) {
      await action(warmContext, warmAction, {
        'watchtower-url': hosts.map((h) => h.url).join('\n'),
      });
      samples.push(wall());
    }
    deployWalls[count] = median(samples);
    await Promise.all(hosts.map((h) => h.stop()));
    rows.push([
      `Deploy, ${count} host(s) × 500 ms`,
      `deploy stage ${ms(deployWalls[count]!)}`,
      '',
      count === 1 ? '' : `${ratio(deployWalls[count]!, deployWalls[1]!)} of 1 host`,
      count === 16 ? '≤ 1.3× of 1 host' : '',
    ]);
  }

  // 6. Bundle.
  const size = (file: string) => fs.statSync(file).size;
  const chunks = fs.readdirSync(path.dirname(BUNDLE)).filter((f) => f.endsWith('.js'));
  const total = chunks.reduce((sum, f) => sum + size(path.join(path.dirname(BUNDLE), f)), 0);
  rows.push([
    'Bundle',
    `dist/index.js ${(size(BUNDLE) / 1024).toFixed(0)} KiB`,
    `all of dist/*.js ${(total / 1024).toFixed(0)} KiB`,
    `F ${(size(floor) / 1024).toFixed(0)} KiB`,
    '',
  ]);
} finally {
  await Promise.all([sendgrid.stop(), host.stop()]);
  await registry.stop();
  fs.rmSync(warmContext, { recursive: true, force: true });
  fs.rmSync(coldContext, { recursive: true, force: true });
}

const table = [
  `build-push-notify benchmark, ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores, ${REPS} interleaved repetitions, medians`,
  '',
  '| Measure | Action | Baseline | Ratio | Target |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');
console.log(table);
fs.writeFileSync(path.join(OUT, 'results.md'), `${table}\n`);
