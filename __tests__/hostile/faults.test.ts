// Hostile conditions, part 2 and 3: every line of the fault table runs on the real daemon and
// registry (login, build, push) and the contract servers (SendGrid, Watchtower), with planted
// secrets and ACTIONS_STEP_DEBUG on. Each checks the documented outcome, that what succeeded is
// still reported, the bounds on retries and time, that no secret escaped, and that nothing was
// left behind (no credentials in the Docker config, no temp files).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, runAction } from '../helpers/action.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { freePort, type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { startSendGrid } from '../helpers/sendgrid-server.js';
import { startWatchtower } from '../helpers/watchtower-server.js';
import { BUILDER, REMOTE_BUILDKIT, tempDockerConfig } from '../helpers/builders.js';
import { expectationOn, FAULT_CASES, type FaultCase } from './fault-cases.js';

const USER = 'ci-bot';
let registry: Registry;
let context: string;

beforeAll(async () => {
  registry = await startRegistry({ username: USER, password: PLANTED.password });
  context = makeContext(`${BUSYBOX_BASE}RUN echo faults > /faults\n`);
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

/**
 * A docker wrapper that kills the registry just before the command that pushes: `docker push`,
 * or `docker buildx build --push`, which builds and pushes in one.
 */
function killRegistryBeforePush(victim: Registry): { path: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-kill-'));
  const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(
    path.join(dir, 'docker'),
    `#!/bin/sh\n# SIGKILL closes the listening socket at once.\ncase " $* " in " push "*|*" --push "*) kill -9 ${victim.pid}; sleep 0.2 ;; esac\nexec ${realDocker} "$@"\n`,
    { mode: 0o755 },
  );
  return { path: `${dir}:${process.env.PATH ?? ''}`, dir };
}

describe.each(FAULT_CASES)('$stage: $fault', (c: FaultCase) => {
  const expected = expectationOn(c, { buildx: BUILDER.buildx, remoteBuildKit: REMOTE_BUILDKIT });
  const outcome =
    (REMOTE_BUILDKIT && c.onRemoteBuildKit?.outcome) ||
    (BUILDER.buildx && c.onBuildx?.outcome) ||
    c.outcome;
  it(outcome, async () => {
    const sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const watchtower = await startWatchtower({ token: PLANTED.watchtowerToken });
    if (c.sendgrid?.queue) sendgrid.queue(...c.sendgrid.queue);
    if (c.sendgrid?.always) sendgrid.always(c.sendgrid.always);
    if (c.watchtower?.queue) watchtower.queue(...c.watchtower.queue);
    const dockerConfig = tempDockerConfig();
    const cleanup: (() => Promise<void> | void)[] = [];

    const repo = uniqueName('fault');
    const env: Record<string, string> = { DOCKER_CONFIG: dockerConfig, ACTIONS_STEP_DEBUG: 'true' };
    let inputs: Record<string, string> = {
      context,
      tags: `${registry.host}/${repo}:1`,
      registry: registry.host,
      username: USER,
      password: PLANTED.password,
      'sendgrid-token': PLANTED.sendgridToken,
      'sendgrid-api-url': sendgrid.url,
      'sendgrid-timeout': '5',
      mail: 'ops@example.com',
      from: 'ci@example.com',
      'watchtower-url': watchtower.url,
      'watchtower-token': PLANTED.watchtowerToken,
      'watchtower-timeout': '5',
    };
    const withoutLogin = { registry: '', username: '', password: '' };
    if (c.arrange === 'no-registry') {
      inputs = { ...inputs, ...withoutLogin, tags: `127.0.0.1:${await freePort()}/${repo}:1` };
    } else if (c.arrange === 'registry-dies-before-push') {
      const doomed = await startRegistry();
      const wrapper = killRegistryBeforePush(doomed);
      cleanup.push(
        () => doomed.stop(),
        () => fs.rmSync(wrapper.dir, { recursive: true, force: true }),
      );
      inputs = { ...inputs, ...withoutLogin, tags: `${doomed.host}/${repo}:1` };
      env.PATH = wrapper.path;
    } else if (c.arrange === 'no-dockerd') {
      // `docker login` asks the daemon, so this registry needs none (a remote BuildKit pushes).
      const open = await startRegistry();
      cleanup.push(() => open.stop());
      inputs = { ...inputs, ...withoutLogin, tags: `${open.host}/${repo}:1` };
      env.DOCKER_HOST = `unix://${path.join(dockerConfig, 'no-dockerd.sock')}`;
    } else if (c.arrange === 'no-watchtower') {
      inputs['watchtower-url'] = `http://127.0.0.1:${await freePort()}`;
    } else if (c.arrange === 'no-sendgrid') {
      inputs['sendgrid-api-url'] = `http://127.0.0.1:${await freePort()}`;
    }
    inputs = { ...inputs, ...c.inputs };

    try {
      const run = await runAction({ inputs, env });
      const log = run.stdout + run.stderr;

      // The documented outcome.
      expect(run.exitCode, log).toBe(expected.exit);
      const errors = annotations(run, 'error');
      if (expected.exit === 1) {
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(expected.message!);
      } else {
        expect(errors).toEqual([]);
        if (expected.message)
          expect(annotations(run, 'warning').some((w) => expected.message!.test(w))).toBe(true);
      }

      // What succeeded is still reported, whatever failed later.
      if (expected.digest) {
        expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
        expect(run.summary).toContain(run.outputs.digest);
      } else {
        expect(run.outputs.digest ?? '').toBe('');
      }
      if (expected.imageId ?? c.stage === 'push')
        expect(run.outputs.imageid).toMatch(/^sha256:[a-f0-9]{64}$/);
      else if (expected.imageId === false) expect(run.outputs.imageid ?? '').toBe('');
      expect(run.outputs['mail-status']).toBe(expected.mail);
      const messageIds = (run.outputs['message-id'] ?? '').split('\n').filter(Boolean);
      expect(messageIds).toHaveLength(expected.messageIds ?? (expected.mail === 'sent' ? 1 : 0));
      expect(run.outputs['deploy-status']).toBe(expected.deploy);
      expect(run.summary).toMatch(
        expected.exit === 0 && expected.deploy !== 'failed' ? /^## ✅/ : /^## (✅|❌)/,
      );

      // Retries stayed within their bounds, and so did the time the faulted stage took.
      expect(sendgrid.requestCount()).toBe(expected.sendgridRequests);
      expect(watchtower.requestCount()).toBe(expected.watchtowerRequests);
      const stageStart =
        (c.stage === 'email' && (sendgrid.firstRequestAt() ?? watchtower.firstRequestAt())) ||
        (c.stage === 'deploy' && watchtower.firstRequestAt()) ||
        run.endedAt - run.durationMs;
      expect((run.endedAt - stageStart) / 1000).toBeLessThan(expected.maxSeconds);
      if (expected.subject) {
        expect(sendgrid.received.filter((m) => m.status === 202)).toHaveLength(1);
        expect(sendgrid.received.at(-1)!.body.subject).toMatch(expected.subject);
      }

      // No secret anywhere: log, outputs, summary, and every email body sent.
      const wrongValues = Object.values(c.inputs ?? {}).filter((v) => /planted/i.test(v));
      expect(leakedSecrets(run, wrongValues)).toEqual([]);
      const emails = JSON.stringify(sendgrid.received.map((m) => m.body));
      for (const secret of [...Object.values(PLANTED), ...wrongValues])
        expect(emails).not.toContain(secret);

      // Nothing left behind: the user's config (none here) was never written, the step's is gone.
      expect(fs.existsSync(path.join(dockerConfig, 'config.json'))).toBe(false);
      expect(run.leftovers).toEqual([]);
    } finally {
      await sendgrid.stop();
      await watchtower.stop();
      for (const step of cleanup) await step();
      fs.rmSync(dockerConfig, { recursive: true, force: true });
    }
  });
});
