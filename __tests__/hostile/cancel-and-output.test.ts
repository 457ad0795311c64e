// Hostile conditions for the step itself, on the real daemon, builder and an htpasswd registry:
// a run cancelled (SIGINT, SIGTERM) or killed (SIGKILL, then the post step) in the middle of a
// build, and builds printing more than any summary, email or memory could hold. Each test is
// named after its line of the README's failure table (step-cases.ts).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, runAction, RUNNER_GRACE_MS, type ActionRun } from '../helpers/action.js';
import { BUILDER, tempDockerConfig } from '../helpers/builders.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { startSendGrid } from '../helpers/sendgrid-server.js';
import { startWatchtower } from '../helpers/watchtower-server.js';
import { STEP_CASES } from './step-cases.js';

const USER = 'ci-bot';
/** What `docker login` writes for the step's login: base64 of user:password. */
const AUTH = Buffer.from(`${USER}:${PLANTED.password}`).toString('base64');

let registry: Registry;
/** The user's own Docker config: builders, and a login to another registry, kept byte for byte. */
let userConfig: string;
let userConfigBytes: Buffer;

beforeAll(async () => {
  registry = await startRegistry({ username: USER, password: PLANTED.password });
  userConfig = tempDockerConfig();
  fs.writeFileSync(
    path.join(userConfig, 'config.json'),
    `{\n\t"auths": {\n\t\t"other.example:5000": {\n\t\t\t"auth": "b3RoZXI6a2VlcC1tZQ=="\n\t\t}\n\t}\n}`,
  );
  userConfigBytes = fs.readFileSync(path.join(userConfig, 'config.json'));
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(userConfig, { recursive: true, force: true });
});

/** Every file under `dir` (links followed) whose text holds the step's login or password. */
function filesHoldingTheLogin(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile())
    .filter((file) => {
      const text = fs.readFileSync(file, 'latin1');
      return text.includes(AUTH) || text.includes(PLANTED.password);
    });
}

function expectUserConfigUntouched(): void {
  expect(fs.readFileSync(path.join(userConfig, 'config.json'))).toEqual(userConfigBytes);
  expect(filesHoldingTheLogin(userConfig)).toEqual([]);
}

/** Runs the action with a login, a build that sleeps in its RUN step, and `signal` mid-RUN. */
async function cancelMidBuild(signal: NodeJS.Signals): Promise<ActionRun> {
  const sendgrid = await startSendGrid(PLANTED.sendgridToken);
  const marker = uniqueName('cancel');
  // The RUN step's own output (not its Dockerfile line) says the build is under way.
  const context = makeContext(`${BUSYBOX_BASE}RUN echo "${marker}""-running" && sleep 60\n`);
  try {
    return await runAction({
      inputs: {
        context,
        tags: `${registry.host}/${uniqueName('cancel')}:1`,
        registry: registry.host,
        username: USER,
        password: PLANTED.password,
        'sendgrid-token': PLANTED.sendgridToken,
        'sendgrid-api-url': sendgrid.url,
        mail: 'ops@example.com',
        from: 'ci@example.com',
      },
      env: { DOCKER_CONFIG: userConfig },
      interrupt: { when: new RegExp(`${marker}-running`), signal },
      post: true,
      timeoutMs: 90_000,
    });
  } finally {
    expect(sendgrid.requestCount(), 'no email is sent for a cancelled run').toBe(0);
    await sendgrid.stop();
    fs.rmSync(context, { recursive: true, force: true });
  }
}

describe('cancelled during the build', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const c = signal === 'SIGINT' ? STEP_CASES.sigint : STEP_CASES.sigterm;
    it(`${signal}: ${c.outcome}`, async () => {
      const run = await cancelMidBuild(signal);
      expect(run.exitCode, run.stdout + run.stderr).toBe(1);
      expect(run.interruptedAfterMs).toBeDefined();
      expect(run.durationMs - run.interruptedAfterMs!).toBeLessThan(RUNNER_GRACE_MS);
      expect(annotations(run, 'error')).toEqual([`cancelled (${signal}) during build`]);
      // What did happen is reported.
      expect(run.summary).toMatch(/^## ❌ cancelled during build/);
      expect(run.summary).toContain(`❌ cancelled (${signal}) during build`);
      expect(run.outputs.tags).toMatch(new RegExp(`^${registry.host}/cancel-`));
      expect(run.outputs.digest ?? '').toBe('');
      expect(run.outputs['deploy-status']).toBe('skipped');
      expect(run.outputs['mail-status']).toBe('skipped');
      // The main step cleaned up after itself; the post step found nothing to do.
      expect(run.leftoversAfterMain).toEqual([]);
      expect(run.post?.exitCode).toBe(0);
      expect(run.post?.stdout).not.toContain('Removed');
      expectUserConfigUntouched();
      expect(leakedSecrets(run)).toEqual([]);
    });
  }

  it(STEP_CASES.secondSignal.outcome, async () => {
    // A "registry" that accepts connections and never answers: docker login waits on it.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const context = makeContext(BUSYBOX_BASE);
    try {
      const run = await runAction({
        inputs: {
          context,
          tags: `${host}/app:1`,
          registry: host,
          username: USER,
          password: PLANTED.password,
        },
        env: { DOCKER_CONFIG: userConfig },
        interrupt: {
          when: /\[command\]docker login/,
          signal: 'SIGINT',
          again: { signal: 'SIGTERM', afterMs: 300 },
        },
        post: true,
      });
      expect(run.exitCode).toBe(1);
      expect(run.durationMs - run.interruptedAfterMs!).toBeLessThan(RUNNER_GRACE_MS);
      expect(annotations(run, 'error')).toEqual(['cancelled (SIGINT) during login']);
      // Nothing of the step is left running.
      const commandLines = fs
        .readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .map((pid) => {
          try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
          } catch {
            return '';
          }
        });
      expect(commandLines.filter((line) => line.includes(host))).toEqual([]);
      expect(run.leftovers).toEqual([]);
      expectUserConfigUntouched();
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      fs.rmSync(context, { recursive: true, force: true });
    }
  });

  it(STEP_CASES.cancelDeploy.outcome, async () => {
    const watchtower = await startWatchtower({ token: PLANTED.watchtowerToken });
    watchtower.queue({ kind: 'hang' });
    const context = makeContext(`${BUSYBOX_BASE}RUN echo ${uniqueName('deploy')}\n`);
    try {
      const run = await runAction({
        inputs: {
          context,
          tags: `${registry.host}/${uniqueName('cancel-deploy')}:1`,
          registry: registry.host,
          username: USER,
          password: PLANTED.password,
          'watchtower-url': watchtower.url,
          'watchtower-token': PLANTED.watchtowerToken,
        },
        env: { DOCKER_CONFIG: userConfig },
        interrupt: { when: /Asking 1 Watchtower host/, signal: 'SIGINT' },
        post: true,
      });
      expect(run.exitCode).toBe(1);
      expect(run.durationMs - run.interruptedAfterMs!).toBeLessThan(RUNNER_GRACE_MS);
      expect(watchtower.requestCount()).toBe(1);
      expect(annotations(run, 'error')).toEqual(['cancelled (SIGINT) during deploy']);
      expect(run.outputs.digest).toMatch(/^sha256:/);
      expect(run.outputs['deploy-status']).toBe('unconfirmed');
      expect(run.summary).toMatch(/^## ❌ cancelled during deploy/);
      expect(run.summary).toContain('they may have updated');
      expect(run.leftoversAfterMain).toEqual([]);
      expectUserConfigUntouched();
    } finally {
      await watchtower.stop();
      fs.rmSync(context, { recursive: true, force: true });
    }
  });

  it(STEP_CASES.killed.outcome, async () => {
    const run = await cancelMidBuild('SIGKILL');
    expect(run.exitCode).not.toBe(0);
    // The killed step wrote nothing and left its workspace, the login inside it ...
    expect(run.summary).toBe('');
    expect(run.leftoversAfterMain).toHaveLength(1);
    expect(run.state.workspace).toContain(run.leftoversAfterMain[0]);
    // ... which only the post step can remove.
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.stdout).toContain(`Removed ${run.state.workspace}`);
    expect(run.leftovers).toEqual([]);
    expectUserConfigUntouched();
    expect(leakedSecrets(run)).toEqual([]);
  });
});

describe('what the step writes, whatever happens to it', () => {
  it(STEP_CASES.summaryUnwritable.outcome, async () => {
    const context = makeContext(`${BUSYBOX_BASE}RUN echo ${uniqueName('summary')}\n`);
    try {
      const run = await runAction({
        inputs: {
          context,
          tags: `${registry.host}/${uniqueName('summary')}:1`,
          registry: registry.host,
          username: USER,
          password: PLANTED.password,
        },
        env: {
          DOCKER_CONFIG: userConfig,
          GITHUB_STEP_SUMMARY: path.join(userConfig, 'no-such-folder', 'summary'),
        },
      });
      expect(run.exitCode).toBe(1);
      expect(annotations(run, 'error')[0]).toMatch(/Unable to access summary file/);
      expect(run.leftoversAfterMain).toEqual([]);
      expectUserConfigUntouched();
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  });

  it('a flood of bad inputs: every problem in the summary (under 1 MiB), a bounded error', async () => {
    const badTags = Array.from({ length: 5000 }, (_, i) => `Bad Tag ${i}!`).join('\n');
    const run = await runAction({
      inputs: { context: '.', tags: badTags, 'build-args': badTags, labels: badTags },
    });
    expect(run.exitCode).toBe(1);
    const [error] = annotations(run, 'error');
    expect(Buffer.byteLength(error!)).toBeLessThanOrEqual(16 * 1024);
    expect(error).toMatch(/… \[cut: [\d,]+ bytes in all; the log has everything\]$/);
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1_000_000);
  });
});

describe('output too large to keep', () => {
  it(STEP_CASES.longLines.outcome, async () => {
    const sendgrid = await startSendGrid(PLANTED.sendgridToken);
    // Three lines of 450,000 characters, then the build fails.
    const context = makeContext(
      `${BUSYBOX_BASE}RUN echo ${uniqueName('long')} && for i in 1 2 3; do head -c 450000 /dev/zero | tr '\\0' "$i"; echo; done; exit 3\n`,
    );
    try {
      const run = await runAction({
        inputs: {
          context,
          tags: `127.0.0.1:5999/${uniqueName('long')}:1`,
          'sendgrid-token': PLANTED.sendgridToken,
          'sendgrid-api-url': sendgrid.url,
          mail: 'ops@example.com',
          from: 'ci@example.com',
        },
      });
      expect(run.exitCode).toBe(1);
      // The log has the lines whole (BuildKit's log of a step is clipped by BuildKit itself).
      expect(run.stdout).toContain('3'.repeat(BUILDER.buildx ? 100_000 : 450_000));
      const [error] = annotations(run, 'error');
      expect(error).toMatch(/^build failed: /);
      // Cut to 600 characters, prefix (BuildKit's `#6 0.062 `) included.
      expect(error).toMatch(/3{590,600} … \[\d{3},\d{3} more characters cut\]/);
      expect(Buffer.byteLength(error!)).toBeLessThan(16 * 1024);
      expect(Buffer.byteLength(run.summary)).toBeLessThan(32 * 1024);
      expect(run.summary).toContain('more characters cut]');
      const email = sendgrid.received.at(-1)!.body;
      expect(Buffer.byteLength(JSON.stringify(email))).toBeLessThan(64 * 1024);
      expect(JSON.stringify(email)).toContain('more characters cut]');
    } finally {
      await sendgrid.stop();
      fs.rmSync(context, { recursive: true, force: true });
    }
  });

  it(STEP_CASES.hugeOutput.outcome, async () => {
    const build = async (dockerfile: string): Promise<ActionRun> => {
      const context = makeContext(dockerfile);
      const repo = uniqueName('huge');
      try {
        return await runAction({
          inputs: { context, tags: `${registry.host}/${repo}:1`, push: 'false' },
          // The runner keeps the log; this test keeps its last part, to check the ending.
          keepStdoutBytes: 1 << 20,
          measureMemory: true,
          timeoutMs: 300_000,
        });
      } finally {
        fs.rmSync(context, { recursive: true, force: true });
      }
    };
    const small = await build(`${BUSYBOX_BASE}RUN echo ${uniqueName('small')}\n`);
    // 600 MB of 100-character lines.
    const huge = await build(
      `${BUSYBOX_BASE}RUN echo ${uniqueName('huge')} && yes "$(head -c 99 /dev/zero | tr '\\0' x)" | head -c 600000000\n`,
    );
    expect(small.exitCode).toBe(0);
    expect(huge.exitCode, huge.stdout.slice(-2000)).toBe(0);
    expect(huge.summary).toMatch(/^## ✅ built/);
    // Measured, not timed: the peak memory of the node process does not grow with the output.
    expect(small.peakRssKb).toBeGreaterThan(0);
    expect(huge.peakRssKb! - small.peakRssKb!).toBeLessThan(64 * 1024);
  });
});
