// Deployment through a Watchtower stand-in (helpers/watchtower-server.ts), for what a real
// server cannot be made to do on demand: answer late or never, rate-limit, sit behind https or a
// proxy. What real Watchtower does and answers is proven in watchtower.test.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { freePort, type Registry, startRegistry } from '../helpers/registry.js';
import { selfSignedTls } from '../helpers/http.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { STEP_CASES } from '../hostile/step-cases.js';
import { startWatchtower, type WatchtowerServer } from '../helpers/watchtower-server.js';

let registry: Registry;
let context: string;
const servers: WatchtowerServer[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  context = makeContext(
    `${BUSYBOX_BASE}ARG VERSION=1\nRUN echo "$VERSION" > /version\nCMD ["/bin/sleep", "600"]\n`,
  );
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
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

describe('deployment through Watchtower', () => {
  it('calls hosts concurrently: each answers after 1.5 s, the second is asked before the first answers', async () => {
    const arrivals: number[] = [];
    const make = () =>
      host({
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

  it('429 then 200: waits Retry-After and retries', async () => {
    const busy = await host({ token: PLANTED.watchtowerToken });
    busy.queue({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    const run = await runAction({ inputs: deployInputs(uniqueName('429'), [busy.url]) });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(busy.requestCount()).toBe(2);
    expect(run.outputs['deploy-status']).toBe('deployed');
  });

  it('a host that never answers is unconfirmed at the timeout; a host that refuses connections fails; the rest deploy (partial)', async () => {
    const silent = await host({ token: PLANTED.watchtowerToken });
    silent.queue({ kind: 'hang' });
    const good = await host({ token: PLANTED.watchtowerToken });
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
      'took the request, but gave no answer within 7 s (watchtower-timeout, and 5 s for the answer): it may still be updating',
    );
    expect(hosts[0]!.durationMs).toBeLessThan(9000);
    expect(hosts[2]!.message).toMatch(/^connection refused/);
    expect(run.summary).toContain('**partial**');
  });

  it('no deployment when the build failed', async () => {
    const watchtower = await host({ token: PLANTED.watchtowerToken });
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
      const plain = await host({ token: PLANTED.watchtowerToken });
      const secure = await host({ token: PLANTED.watchtowerToken, tls });
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
    const watchtower = await host({ token: PLANTED.watchtowerToken });
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
        message: 'the request did not reach it within 7 s',
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
