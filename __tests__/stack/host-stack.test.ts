// The host side as the README ships it: deploy/docker-compose.yml started with `docker compose`
// (Compose v5, built by scripts/tools.sh) with its proxy profile, on the machine's dockerd 20.10.
// No registry can be pulled from here, so its two images are built FROM scratch under the tags the
// file pins, from the binaries the tests build: nicholas-fedor/watchtower and Caddy. The action
// deploys through Caddy at https://localhost (Caddy's internal CA, trusted as a runner trusts an
// internal CA: NODE_EXTRA_CA_CERTS). Then Watchtower's own email, as the compose file and
// watchtower.env.example set it up, is sent to a real SMTP server (mailpit, STARTTLS and auth).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runAction } from '../helpers/action.js';
import { dockerCli, makeContext, uniqueName, VERSIONED_APP } from '../helpers/context.js';
import { selfSignedTls } from '../helpers/http.js';
import { missingWatchtower, startRealWatchtower } from '../helpers/real-watchtower.js';
import { freePort, type Registry, startRegistry } from '../helpers/registry.js';
import { PLANTED } from '../helpers/secrets.js';
import { until } from '../helpers/wait.js';

const TOKEN = PLANTED.watchtowerToken;
const TOOLS = path.join(ROOT, '.tmp', 'tools', 'bin');
const SHIPPED = path.join(ROOT, 'deploy');
/** Marks the stand-in images this file builds, so it never replaces a real one of that tag. */
const OURS = 'org.build-push-notify.test-image';

interface ComposeFile {
  services: Record<string, { image: string; environment?: Record<string, string> }>;
}
const composeFile = parse(
  fs.readFileSync(path.join(SHIPPED, 'docker-compose.yml'), 'utf8'),
) as ComposeFile;

function missingTools(): string | undefined {
  const missing = missingWatchtower();
  if (missing) return missing;
  for (const tool of ['caddy', 'mailpit'])
    if (!fs.existsSync(path.join(TOOLS, tool)))
      return `${tool} missing: bash scripts/tools.sh builds it`;
  try {
    dockerCli(['compose', 'version']);
  } catch {
    return 'docker has no compose plugin: bash scripts/tools.sh installs it';
  }
  return undefined;
}
const missing = missingTools();
if (missing) it.skip(`the host stack cannot start here: ${missing}`, () => {});
const suite = describe.skipIf(Boolean(missing));

let registry: Registry;
let context: string;
beforeAll(async () => {
  registry = await startRegistry();
  context = makeContext(VERSIONED_APP);
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

/** The action pushing `VERSION=version` to `tag`, and deploying when `deploy` says where. */
function ship(tag: string, version: number, deploy: Record<string, string> = {}, env = {}) {
  return runAction({
    inputs: { context, tags: tag, 'build-args': `VERSION=${version}`, ...deploy },
    env,
  });
}

/**
 * `image` as a FROM scratch image holding `binary`, unless docker has that tag already: ours
 * from an earlier run (rebuilt only when the binary changed), or the real one, used as it is.
 */
function standInImage(image: string, binary: string, dockerfile: string): void {
  const stamp = String(fs.statSync(binary).mtimeMs);
  let label: string | undefined;
  try {
    label = dockerCli([
      'image',
      'inspect',
      '--format',
      `{{index .Config.Labels "${OURS}"}}`,
      image,
    ]);
    label = label.trim();
  } catch {
    // not there: built below
  }
  if (label === stamp) return;
  if (label !== undefined && !/^\d/.test(label)) return; // the real image: used as it is
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-stand-in-'));
  try {
    fs.copyFileSync(binary, path.join(dir, path.basename(binary)));
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      `FROM scratch\n${dockerfile}\nLABEL ${OURS}="${stamp}"\n`,
    );
    execFileSync('docker', ['build', '--quiet', '--tag', image, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: 'ignore',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** GET over https with `ca` trusted; the status and body. */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

suite('deploy/docker-compose.yml, started as shipped with --profile proxy', () => {
  const project = uniqueName('bpn-stack');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-stack-'));
  const compose = (...args: string[]): string =>
    dockerCli(['compose', '--project-name', project, '--project-directory', dir, ...args]);
  let appTag: string;

  beforeAll(async () => {
    standInImage(
      composeFile.services.watchtower!.image,
      path.join(TOOLS, 'watchtower'),
      'COPY watchtower /watchtower\nEXPOSE 8080\nENTRYPOINT ["/watchtower"]',
    );
    standInImage(
      composeFile.services.proxy!.image,
      path.join(TOOLS, 'caddy'),
      'COPY caddy /usr/bin/caddy\nENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data\nEXPOSE 80 443\nCMD ["/usr/bin/caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]',
    );
    // The files as shipped; watchtower.env and .env as the file's comments say to write them.
    for (const file of ['docker-compose.yml', 'Caddyfile'])
      fs.copyFileSync(path.join(SHIPPED, file), path.join(dir, file));
    const example = fs.readFileSync(path.join(SHIPPED, 'watchtower.env.example'), 'utf8');
    fs.writeFileSync(
      path.join(dir, 'watchtower.env'),
      example
        .replace(/^WATCHTOWER_HTTP_API_TOKEN=.*$/m, `WATCHTOWER_HTTP_API_TOKEN=${TOKEN}`)
        // Its email goes to SendGrid, which cannot be reached from here (tested below instead).
        .replace(/^WATCHTOWER_NOTIFICATION_URL=.*\n/m, ''),
      { mode: 0o600 },
    );
    appTag = `${registry.host}/${uniqueName('app')}:live`;
    const first = await ship(appTag, 1);
    expect(first.exitCode, first.stdout).toBe(0);
    fs.writeFileSync(path.join(dir, '.env'), `APP_IMAGE=${appTag}\nWATCHTOWER_DOMAIN=localhost\n`);
    compose('--profile', 'proxy', 'up', '--detach', '--wait');
  });
  afterAll(() => {
    try {
      compose('--profile', 'proxy', 'down', '--volumes', '--timeout', '1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the action deploys through Caddy at https://localhost; Watchtower recreates the app on the pushed image', async () => {
    // Caddy's internal CA, from the proxy's data volume.
    const caFile = path.join(dir, 'caddy-root.crt');
    await until('Caddy made its local CA', () => {
      try {
        compose('cp', 'proxy:/data/caddy/pki/authorities/local/root.crt', caFile);
        return true;
      } catch {
        return undefined;
      }
    });
    const ca = fs.readFileSync(caFile, 'utf8');
    const app = compose('ps', '--quiet', 'app').trim();
    expect(dockerCli(['exec', app, '/bin/cat', '/version']).trim()).toBe('1');

    const run = await ship(
      appTag,
      2,
      { 'watchtower-url': 'https://localhost', 'watchtower-token': TOKEN },
      { NODE_EXTRA_CA_CERTS: caFile },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(JSON.parse(run.outputs['deploy-result']!)[0]).toMatchObject({
      url: 'https://localhost',
      status: 'updated',
      httpStatus: 200,
      counts: { scanned: 1, updated: 1, failed: 0 },
    });
    const recreated = compose('ps', '--quiet', 'app').trim();
    expect(recreated).not.toBe(app);
    expect(dockerCli(['exec', recreated, '/bin/cat', '/version']).trim()).toBe('2');
    expect(dockerCli(['inspect', '--format', '{{.Image}}', recreated]).trim()).toBe(
      run.outputs.imageid,
    );
    expect(compose('logs', 'watchtower')).toContain('Watchtower v1.20.1');

    // Only /v1/update passes Caddy; the rest of the API is not reachable from outside.
    for (const other of ['/v1/metrics', '/v1/update/', '/'])
      expect((await httpsGet(`https://localhost${other}`, ca)).status, other).toBe(404);
    // Caddy logged the request, and not the token.
    const proxyLog = compose('logs', 'proxy');
    expect(proxyLog).toMatch(/"uri":"\/v1\/update\?image=/);
    expect(proxyLog).toContain('"Authorization":["REDACTED"]');
    expect(proxyLog).not.toContain(TOKEN);
    // The API itself is published on the host's loopback only.
    expect(compose('port', 'watchtower', '8080').trim()).toBe('127.0.0.1:8080');
  });
});

suite('Watchtower’s own email, as the compose file sets it up, through a real SMTP server', () => {
  let mailpit: ChildProcess;
  let smtpPort: number;
  let apiUrl: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-mailpit-'));
  const SENDGRID_KEY = 'SG.planted-smtp-key.for-mailpit';

  beforeAll(async () => {
    const { certFile } = selfSignedTls(dir);
    // SendGrid's relay takes user "apikey" with the API key as its password.
    fs.writeFileSync(path.join(dir, 'auth'), `apikey:${SENDGRID_KEY}\n`);
    smtpPort = await freePort();
    const uiPort = await freePort();
    apiUrl = `http://127.0.0.1:${uiPort}/api/v1`;
    mailpit = spawn(
      path.join(TOOLS, 'mailpit'),
      [
        ...['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${uiPort}`],
        ...['--smtp-tls-cert', certFile, '--smtp-tls-key', path.join(dir, 'key.pem')],
        ...['--smtp-require-starttls', '--smtp-auth-file', path.join(dir, 'auth')],
        ...['--database', path.join(dir, 'mail.db'), '--disable-version-check'],
      ],
      { stdio: 'ignore' },
    );
    await until('mailpit answers', () => {
      try {
        execFileSync('curl', ['-sf', `${apiUrl}/info`], { stdio: 'ignore' });
        return true;
      } catch {
        return undefined;
      }
    });
  });
  afterAll(() => {
    mailpit?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('after an update, the email arrives over STARTTLS with the subject tag and the container’s name', async () => {
    // The example's URL with mailpit in place of SendGrid's relay, and everything else kept.
    const example = fs.readFileSync(path.join(SHIPPED, 'watchtower.env.example'), 'utf8');
    const url = /^WATCHTOWER_NOTIFICATION_URL=(.*)$/m
      .exec(example)![1]!
      .replace('SG.xxxxxxxx@smtp.sendgrid.net:587', `${SENDGRID_KEY}@127.0.0.1:${smtpPort}`);
    expect(url).toContain('usestarttls=yes&requirestarttls=yes');
    // The compose file's environment, as compose fills it from .env, but DOCKER_CONFIG (a path
    // in the container); the process serves its API on loopback instead of the container's 8080.
    const domain = 'deploy.example.com';
    const shipped = Object.fromEntries(
      Object.entries(composeFile.services.watchtower!.environment!)
        .filter(([name]) => name !== 'DOCKER_CONFIG')
        .map(([name, value]) => [name, value.replace('${WATCHTOWER_DOMAIN:-}', domain)]),
    );
    expect(shipped.WATCHTOWER_NOTIFICATION_TITLE_TAG).toBe('deploy');
    const host = await startRealWatchtower({
      flavour: 'fork',
      token: TOKEN,
      env: {
        ...shipped,
        WATCHTOWER_NOTIFICATION_URL: url,
        // mailpit's certificate is trusted as a public one would be: checked, not skipped.
        SSL_CERT_FILE: path.join(dir, 'cert.pem'),
      },
    });
    const container = uniqueName('mailed');
    try {
      const tag = `${registry.host}/${uniqueName('mail')}:live`;
      expect((await ship(tag, 1)).exitCode).toBe(0);
      dockerCli([
        ...['run', '-d', '--name', container],
        ...['--label', 'com.centurylinklabs.watchtower.enable=true', tag],
      ]);
      const run = await ship(tag, 2, { 'watchtower-url': host.url, 'watchtower-token': TOKEN });
      expect(JSON.parse(run.outputs['deploy-result']!)[0]).toMatchObject({ status: 'updated' });

      interface Listed {
        messages: { ID: string; Subject: string; From: { Address: string }; Snippet: string }[];
      }
      const message = await until('Watchtower’s email in mailpit', () => {
        const listed = JSON.parse(
          execFileSync('curl', ['-sf', `${apiUrl}/messages`], { encoding: 'utf8' }),
        ) as Listed;
        return listed.messages.find((m) => m.Snippet.includes(container));
      });
      expect(message.Subject).toBe(`[deploy] Watchtower updates on ${domain}`);
      expect(message.From.Address).toBe('deploy@example.com');
      const full = JSON.parse(
        execFileSync('curl', ['-sf', `${apiUrl}/message/${message.ID}`], { encoding: 'utf8' }),
      ) as { Text: string };
      // Watchtower's log lines of the update, each naming the container.
      expect(full.Text).toMatch(new RegExp(`Started new container.*${container}`));
      expect(host.log()).not.toContain(SENDGRID_KEY);
    } finally {
      await host.stop();
      execFileSync('docker', ['rm', '--force', container], { stdio: 'ignore' });
    }
  });
});
