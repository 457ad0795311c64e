// Part 3 end to end: after the push, the action calls Watchtower on every host. The stand-in
// host here does on the real daemon what Watchtower does (pull the pushed reference, recreate
// the container from it) and answers like the maintained fork; other cases follow the
// contract in helpers/watchtower-server.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from '../helpers/action.js';
import { CONTAINERD_STORE, REMOTE_BUILDKIT } from '../helpers/builders.js';
import { BUSYBOX_BASE, dockerCli, makeContext, uniqueName } from '../helpers/context.js';
import { freePort, type Registry, startRegistry } from '../helpers/registry.js';
import { selfSignedTls } from '../helpers/http.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { STEP_CASES } from '../hostile/step-cases.js';
import { emailInputs, type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';
import {
  startWatchtower,
  type UpdateSummary,
  type WatchtowerServer,
} from '../helpers/watchtower-server.js';

let registry: Registry;
let sendgrid: SendGridServer;
let context: string;
const servers: WatchtowerServer[] = [];
const containers: string[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  sendgrid = await startSendGrid(PLANTED.sendgridToken);
  context = makeContext(
    `${BUSYBOX_BASE}ARG VERSION=1\nRUN echo "$VERSION" > /version\nCMD ["/bin/sleep", "600"]\n`,
  );
});
afterAll(async () => {
  for (const name of containers) {
    try {
      dockerCli(['rm', '-f', name]);
    } catch {
      // already gone
    }
  }
  await Promise.all(servers.map((server) => server.stop()));
  await sendgrid?.stop();
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

async function host(options: Parameters<typeof startWatchtower>[0]): Promise<WatchtowerServer> {
  const server = await startWatchtower(options);
  servers.push(server);
  return server;
}

function deployInputs(
  repo: string,
  urls: string[],
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    context,
    tags: `${registry.host}/${repo}:live`,
    'watchtower-url': urls.join('\n'),
    'watchtower-token': PLANTED.watchtowerToken,
    'watchtower-timeout': '20',
    ...extra,
  };
}

/**
 * What Watchtower does with the container on the daemon: it is scanned when its image name (as
 * it was created, without its tag) equals an `image=` value, as the maintained fork compares
 * names with a registry port; then pull, compare, recreate.
 */
function watchtowerOnTheDaemon(container: string, reference: string) {
  return async (images: string[]): Promise<UpdateSummary> => {
    const created = dockerCli(['inspect', '--format', '{{.Config.Image}}', container]).trim();
    if (!images.includes(created.replace(/:[^/:]*$/, '')))
      return { scanned: 0, updated: 0, failed: 0, restarted: 0, skipped: 0 };
    const before = dockerCli(['inspect', '--format', '{{.Image}}', container]).trim();
    dockerCli(['pull', '--quiet', reference]);
    const latest = dockerCli(['image', 'inspect', '--format', '{{.Id}}', reference]).trim();
    if (latest === before) return { scanned: 1, updated: 0, failed: 0, restarted: 0, skipped: 0 };
    dockerCli(['rm', '-f', container]);
    dockerCli(['run', '-d', '--name', container, reference]);
    return { scanned: 1, updated: 1, failed: 0, restarted: 0, skipped: 0 };
  };
}

const withEmail = (): Record<string, string> => emailInputs(sendgrid, PLANTED.sendgridToken);

/**
 * A container on the daemon running `image` (pushed first by the action), and a Watchtower
 * stand-in for its host that updates it when asked for `reference`.
 */
async function watchedContainer(image: string, reference: string) {
  const container = uniqueName('app');
  containers.push(container);
  const pushed = await runAction({ inputs: { context, tags: image, 'build-args': 'VERSION=1' } });
  expect(pushed.exitCode, pushed.stdout).toBe(0);
  dockerCli(['run', '-d', '--name', container, image]);
  const watchtower = await host({
    flavour: 'fork',
    token: PLANTED.watchtowerToken,
    onUpdate: watchtowerOnTheDaemon(container, reference),
  });
  return { container, watchtower };
}

describe('deployment through Watchtower', () => {
  it('updates the running container to the pushed digest, and the summary and email say so', async () => {
    const repo = uniqueName('deploy');
    const reference = `${registry.host}/${repo}:live`;
    const { container, watchtower } = await watchedContainer(reference, reference);
    const run = await runAction({
      inputs: {
        ...deployInputs(repo, [watchtower.url], { 'build-args': 'VERSION=2' }),
        ...withEmail(),
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(leakedSecrets(run)).toEqual([]);

    // The container now runs the image whose registry digest is the action's digest output.
    const served = await registry.manifestDigest(repo, 'live');
    expect(run.outputs.digest).toBe(served);
    // The container's image as docker names it: the imageid output, but for the standalone
    // builder's image on the containerd store, which names what it pulled by the pushed digest.
    const running = dockerCli(['inspect', '--format', '{{.Image}}', container]).trim();
    expect(running).toBe(CONTAINERD_STORE && REMOTE_BUILDKIT ? served : run.outputs.imageid);
    expect(dockerCli(['image', 'inspect', '--format', '{{json .RepoDigests}}', running])).toContain(
      `${repo}@${served}`,
    );
    expect(dockerCli(['exec', container, '/bin/cat', '/version']).trim()).toBe('2');

    expect(watchtower.calls).toEqual([
      {
        method: 'POST',
        path: '/v1/update',
        images: [`${registry.host}/${repo}`],
        token: PLANTED.watchtowerToken,
      },
    ]);
    expect(run.outputs['deploy-status']).toBe('deployed');
    const [result] = JSON.parse(run.outputs['deploy-result']!);
    expect(result).toMatchObject({
      url: watchtower.url,
      status: 'updated',
      httpStatus: 200,
      counts: { scanned: 1, updated: 1, failed: 0 },
    });
    expect(run.summary).toContain(`| ${watchtower.url} | updated | 200 |`);
    // The registry has a port, which upstream Watchtower cannot match: the user is told.
    expect(run.stdout).toMatch(/::warning::containrrr\/watchtower 1\.7\.1 cuts image names/);

    const mail = sendgrid.received.at(-1)!.body;
    expect(mail.subject).toMatch(/^✅ pushed and deployed /);
    expect(mail.content![0]!.value).toContain(`${watchtower.url}: updated (HTTP 200`);
    expect(mail.content![1]!.value).toContain('Deployment: deployed');
  });

  it('calls hosts concurrently: each answers after 1.5 s, the second is asked before the first answers', async () => {
    const arrivals: number[] = [];
    const make = () =>
      host({
        flavour: 'fork',
        token: PLANTED.watchtowerToken,
        delayMs: 1500,
        onUpdate: async () => {
          return { scanned: 1, updated: 1, failed: 0, restarted: 0, skipped: 0 };
        },
      });
    const [a, b] = await Promise.all([make(), make()]);
    for (const server of [a!, b!]) server.server.on('request', () => arrivals.push(Date.now()));
    const run = await runAction({ inputs: deployInputs(uniqueName('two'), [a!.url, b!.url]) });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(arrivals).toHaveLength(2);
    expect(Math.abs(arrivals[0]! - arrivals[1]!)).toBeLessThan(1500);
    const hosts = JSON.parse(run.outputs['deploy-result']!) as { durationMs: number }[];
    expect(hosts.every((h) => h.durationMs >= 1500)).toBe(true);
  });

  it('a host that runs no container of the image: no-match, the step fails, nothing says deployed', async () => {
    const repo = uniqueName('other');
    const reference = `${registry.host}/${repo}:live`;
    // The host runs some other image; the action pushes `repo`.
    const otherImage = `${registry.host}/${uniqueName('elsewhere')}:live`;
    const { watchtower } = await watchedContainer(otherImage, reference);
    const run = await runAction({
      inputs: { ...deployInputs(repo, [watchtower.url]), ...withEmail() },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['deploy-status']).toBe('failed');
    expect(JSON.parse(run.outputs['deploy-result']!)[0]).toMatchObject({
      status: 'no-match',
      counts: { scanned: 0, updated: 0, failed: 0 },
    });
    expect(errorAnnotations(run)[0]).toMatch(
      /^deploy failed on .*scanned 0, updated 0, failed 0: no container here runs these images/,
    );
    expect(run.summary).not.toMatch(/deployed/);
    expect(sendgrid.received.at(-1)!.body.subject).toMatch(/^❌ deploy failed/);
  });

  it('upstream 1.7.1 (empty 200 body): unconfirmed, a warning, and the email does not say deployed', async () => {
    const upstream = await host({ flavour: 'upstream', token: PLANTED.watchtowerToken });
    const run = await runAction({
      inputs: { ...deployInputs(uniqueName('up'), [upstream.url]), ...withEmail() },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['deploy-status']).toBe('unconfirmed');
    expect(JSON.parse(run.outputs['deploy-result']!)[0]).toMatchObject({
      status: 'unconfirmed',
      httpStatus: 200,
    });
    expect(run.stdout).toMatch(/::warning::deploy unconfirmed on /);
    expect(run.summary).toMatch(/^## ✅ pushed, deploy unconfirmed /);
    expect(sendgrid.received.at(-1)!.body.subject).toMatch(/^✅ pushed, deploy unconfirmed /);
    expect(upstream.calls[0]!.images).toHaveLength(1);
  });

  it('401: the token is named as the problem; the step fails after the summary, keeping the digest', async () => {
    const wrong = await host({ flavour: 'fork', token: 'a-different-token' });
    const run = await runAction({ inputs: deployInputs(uniqueName('401'), [wrong.url]) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run)[0]).toMatch(
      /^deploy failed on .*token rejected \(HTTP 401\): watchtower-token must equal WATCHTOWER_HTTP_API_TOKEN/,
    );
    expect(run.outputs.digest).toMatch(/^sha256:/);
    expect(run.outputs['deploy-status']).toBe('failed');
    expect(run.summary).toContain('token rejected');
    expect(leakedSecrets(run)).toEqual([]);
  });

  it('429 then 200: waits Retry-After and retries', async () => {
    const busy = await host({ flavour: 'fork', token: PLANTED.watchtowerToken });
    busy.queue({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    const run = await runAction({ inputs: deployInputs(uniqueName('429'), [busy.url]) });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(busy.requestCount()).toBe(2);
    expect(run.outputs['deploy-status']).toBe('deployed');
  });

  it('a host that never answers is unconfirmed at the timeout; a host that refuses connections fails; the rest deploy (partial)', async () => {
    const silent = await host({ flavour: 'fork', token: PLANTED.watchtowerToken });
    silent.queue({ kind: 'hang' });
    const good = await host({ flavour: 'fork', token: PLANTED.watchtowerToken });
    const refused = `http://127.0.0.1:${await freePort()}`;
    const run = await runAction({
      inputs: deployInputs(uniqueName('partial'), [silent.url, good.url, refused], {
        'watchtower-timeout': '2',
        'fail-on-deploy-error': 'false',
      }),
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['deploy-status']).toBe('partial');
    const hosts = JSON.parse(run.outputs['deploy-result']!) as {
      status: string;
      message: string;
      durationMs: number;
    }[];
    expect(hosts.map((h) => h.status)).toEqual(['unconfirmed', 'updated', 'failed']);
    expect(hosts[0]!.message).toBe(
      'took the request, but gave no answer within 2 s (watchtower-timeout): it may still be updating',
    );
    expect(hosts[0]!.durationMs).toBeLessThan(4000);
    expect(hosts[2]!.message).toMatch(/^connection refused/);
    expect(run.summary).toContain('**partial**');
  });

  it('no deployment when the build failed', async () => {
    const watchtower = await host({ flavour: 'fork', token: PLANTED.watchtowerToken });
    const broken = makeContext(`${BUSYBOX_BASE}RUN exit 1\n`);
    const run = await runAction({
      inputs: { ...deployInputs(uniqueName('nodeploy'), [watchtower.url]), context: broken },
    });
    fs.rmSync(broken, { recursive: true, force: true });
    expect(run.exitCode).toBe(1);
    expect(watchtower.requestCount()).toBe(0);
    expect(run.outputs['deploy-status']).toBe('skipped');
  });
});

describe('https hosts', () => {
  it('http and https hosts in one run each get the agent of their own scheme', async () => {
    // A self-signed certificate for 127.0.0.1, trusted by the action as a runner trusts an
    // internal CA (NODE_EXTRA_CA_CERTS).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-tls-'));
    const { certFile, ...tls } = selfSignedTls(dir);
    try {
      const plain = await host({ flavour: 'fork', token: PLANTED.watchtowerToken });
      const secure = await host({ flavour: 'fork', token: PLANTED.watchtowerToken, tls });
      for (const urls of [
        [plain.url, secure.url],
        [secure.url, plain.url],
      ]) {
        const run = await runAction({
          inputs: deployInputs(uniqueName('schemes'), urls),
          env: { NODE_EXTRA_CA_CERTS: certFile },
        });
        expect(run.exitCode, run.stdout).toBe(0);
        const hosts = JSON.parse(run.outputs['deploy-result']!) as { status: string }[];
        expect(hosts.map((h) => h.status)).toEqual(['updated', 'updated']);
      }
      expect(secure.url).toMatch(/^https:/);
      expect(secure.calls).toHaveLength(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('behind a proxy', () => {
  it(STEP_CASES.proxy.outcome, async () => {
    const watchtower = await host({ flavour: 'fork', token: PLANTED.watchtowerToken });
    const proxy = await startRecordingProxy({
      'watchtower.invalid:8080': new URL(watchtower.url).host,
    });
    try {
      const run = await runAction({
        inputs: deployInputs(uniqueName('proxied'), [
          'http://watchtower.invalid:8080',
          'http://direct.invalid:8080',
        ]),
        env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'direct.invalid' },
      });
      const hosts = JSON.parse(run.outputs['deploy-result']!) as {
        url: string;
        status: string;
        message: string;
      }[];
      // Through the proxy: the only way to reach watchtower.invalid.
      expect(hosts[0]).toMatchObject({ url: 'http://watchtower.invalid:8080', status: 'updated' });
      expect(watchtower.calls).toHaveLength(1);
      // NO_PROXY: straight to a name that does not resolve, so it fails, and the proxy never saw it.
      expect(hosts[1]).toMatchObject({ url: 'http://direct.invalid:8080', status: 'failed' });
      expect(hosts[1]!.message).toMatch(/could not reach the host: (ENOTFOUND|EAI_AGAIN)/);
      expect(proxy.passed).toEqual(['CONNECT watchtower.invalid:8080']);
      expect(run.outputs['deploy-status']).toBe('partial');
      expect(leakedSecrets(run)).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('a proxy that never answers: the timeouts still end each call, and the step', async () => {
    const proxy = await startRecordingProxy({}, { silent: true });
    try {
      const run = await runAction({
        inputs: {
          ...deployInputs(uniqueName('silent-proxy'), ['https://watchtower.invalid:8443']),
          'watchtower-timeout': '2',
          // SendGrid's real address: through the proxy, which never answers.
          'sendgrid-token': PLANTED.sendgridToken,
          'sendgrid-timeout': '2',
          mail: 'ops@example.com',
          from: 'ci@example.com',
        },
        env: { HTTPS_PROXY: proxy.url },
        timeoutMs: 60_000,
      });
      // Ended by itself (a kill by the harness would be 128), having reported both.
      expect(run.exitCode, run.stdout).toBe(1);
      expect(JSON.parse(run.outputs['deploy-result']!)[0]).toMatchObject({
        // The proxy never let the request through: the host never had it.
        status: 'failed',
        message: 'the request did not reach it within 2 s',
      });
      expect(run.outputs['mail-status']).toBe('unknown');
      expect(proxy.passed).toEqual([
        'CONNECT watchtower.invalid:8443',
        'CONNECT api.sendgrid.com:443',
      ]);
    } finally {
      await proxy.stop();
    }
  });
});
