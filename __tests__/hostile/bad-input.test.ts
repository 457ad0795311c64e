// Hostile conditions, part 1: bad input. Every case must fail the step with an `::error::`
// that names the input and says what is expected, before any docker command (a recording
// docker shim is first on PATH), any registry call or any HTTP request (both servers count).
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from '../helpers/action.js';
import { BUILDER } from '../helpers/builders.js';
import { BUSYBOX_BASE, makeContext } from '../helpers/context.js';
import { type DockerShim, installDockerShim } from '../helpers/docker-shim.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';
import { startWatchtower, type WatchtowerServer } from '../helpers/watchtower-server.js';

const TEMPLATE = 'd-0123456789abcdef0123456789abcdef';
/** PEM-shaped texts: the inputs check the shape, the manager would check the rest. */
const PEM = {
  cert: '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----',
  get all() {
    return {
      'swarm-tls-ca': this.cert,
      'swarm-tls-cert': this.cert,
      'swarm-tls-key': '-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----',
    };
  },
};

// [input overrides, input named in the error, what the message must say, builder kind it is bad on]
type Case = [Record<string, string>, string, RegExp, ('classic' | 'buildx')?];
const ALL_CASES: Case[] = [
  [{ tags: 'Acme/App:1' }, 'tags', /must be lowercase/],
  [{ tags: 'my app:1' }, 'tags', /cannot contain whitespace/],
  [{ tags: 'app:1:2' }, 'tags', /":" may appear only once/],
  [{ tags: `app:${'a'.repeat(129)}` }, 'tags', /129 characters, at most 128/],
  [{ tags: '' }, 'tags', /at least one tag is required when push is true/],
  [{ tags: 'app@sha256:0123' }, 'tags', /cannot contain a digest/],
  [{ tags: 'app:-bad' }, 'tags', /may only contain letters, digits/],
  [{ tags: 'reg.example.com:99x/app:1' }, 'tags', /not a valid registry host/],
  [{ tags: 'app;id:1' }, 'tags', /not a valid repository path component/],
  [{ tags: 'app:$(id)' }, 'tags', /may only contain letters, digits/],
  [{ tags: 'app:1\n::set-output name=digest::forged' }, 'tags', /valid|whitespace|only once/],
  [{ 'build-args': 'NOEQUALS' }, 'build-args', /is not KEY=value/],
  [{ 'build-args': '=value' }, 'build-args', /is not KEY=value/],
  [{ labels: 'just-a-key' }, 'labels', /is not KEY=value/],
  [{ context: '/nonexistent/context' }, 'context', /is not a directory/],
  [{ file: '/nonexistent/Dockerfile' }, 'file', /does not exist/],
  [{ push: 'yes' }, 'push', /expected true or false, got "yes"/],
  [{ pull: 'on' }, 'pull', /expected true or false/],
  [{ 'no-cache': '1' }, 'no-cache', /expected true or false/],
  [{ 'build-summary': 'off' }, 'build-summary', /expected true or false, got "off"/],
  [{ platforms: 'linux/amd64,linux/arm64' }, 'platforms', /needs docker buildx/, 'classic'],
  [{ 'cache-from': 'type=gha' }, 'cache-from', /needs docker buildx/, 'classic'],
  [{ 'cache-to': 'type=gha,mode=max' }, 'cache-to', /needs docker buildx/, 'classic'],
  [{ builder: 'standalone' }, 'builder', /needs docker buildx/, 'classic'],
  [{ builder: 'my builder' }, 'builder', /is not a buildx builder name/, 'buildx'],
  [
    { secrets: 'NO-EQUALS-Planted' },
    'secrets',
    /item 1 is not ID=value \(the value is not shown\)/,
    'buildx',
  ],
  [{ secrets: 'EMPTY=' }, 'secrets', /"EMPTY" has an empty value/, 'buildx'],
  [
    { 'secret-files': 'key=/nonexistent/secret' },
    'secret-files',
    /file "\/nonexistent\/secret" does not exist/,
    'buildx',
  ],
  [
    { 'secret-envs': 'key=NOT_SET_ANYWHERE' },
    'secret-envs',
    /environment variable NOT_SET_ANYWHERE is empty or not set/,
    'buildx',
  ],
  [{ 'secret-envs': 'key=not a name' }, 'secret-envs', /is not ID=ENVIRONMENT_VARIABLE/, 'buildx'],
  [{ ssh: 'id=' }, 'ssh', /is not default or ID/, 'buildx'],
  [{ 'build-contexts': 'justname' }, 'build-contexts', /is not NAME=path/, 'buildx'],
  [{ attests: 'sbom' }, 'attests', /is not type=/, 'buildx'],
  [{ annotations: 'title' }, 'annotations', /is not KEY=value/, 'buildx'],
  [{ call: 'lint' }, 'call', /is not one of build, check, outline, targets/, 'buildx'],
  [{ call: 'check' }, 'call', /set push: false/, 'buildx'],
  [{ allow: 'Network Host' }, 'allow', /is not an entitlement/, 'buildx'],
  [{ 'no-cache-filters': 'a stage' }, 'no-cache-filters', /is not a build stage name/, 'buildx'],
  [{ provenance: 'mode=max\nx' }, 'provenance', /must be one line/, 'buildx'],
  [{ secrets: 'A=1' }, 'secrets', /needs docker buildx/, 'classic'],
  [{ 'secret-files': 'A=x' }, 'secret-files', /needs docker buildx/, 'classic'],
  [{ ssh: 'default' }, 'ssh', /needs docker buildx/, 'classic'],
  [{ 'build-contexts': 'a=b' }, 'build-contexts', /needs docker buildx/, 'classic'],
  [{ provenance: 'false' }, 'provenance', /needs docker buildx/, 'classic'],
  [{ sbom: 'true' }, 'sbom', /needs docker buildx/, 'classic'],
  [{ attests: 'type=sbom' }, 'attests', /needs docker buildx/, 'classic'],
  [{ annotations: 'a=b' }, 'annotations', /needs docker buildx/, 'classic'],
  [{ outputs: 'type=local,dest=x' }, 'outputs', /needs docker buildx/, 'classic'],
  [{ call: 'check' }, 'call', /needs docker buildx/, 'classic'],
  [{ allow: 'network.host' }, 'allow', /needs docker buildx/, 'classic'],
  [{ 'no-cache-filters': 'a' }, 'no-cache-filters', /needs docker buildx/, 'classic'],
  [{ load: 'yes' }, 'load', /expected true or false/],
  [{ load: 'true', platforms: 'linux/amd64,linux/arm64' }, 'load', /holds one platform/, 'buildx'],
  [{ secrets: '"A=never closed\nB=2' }, 'secrets', /" that is never closed/, 'buildx'],
  [{ tags: '"app:1' }, 'tags', /" that is never closed/],
  [
    { 'secret-files': 'A=/etc/hostname', secrets: 'A=1' },
    'secrets',
    /"A" is given more than once/,
    'buildx',
  ],
  [{ network: 'my net' }, 'network', /is not default, none, host or a network name/],
  [{ 'add-hosts': 'db' }, 'add-hosts', /"db" is not host:ip/],
  [{ 'add-hosts': 'db:999.1.1.1' }, 'add-hosts', /is not an IP address/],
  [{ 'shm-size': 'big' }, 'shm-size', /is not a size/],
  [{ ulimit: 'nofile' }, 'ulimit', /is not name=soft\[:hard\]/],
  [{ ulimit: 'files=1' }, 'ulimit', /is not a ulimit name/],
  [{ 'cgroup-parent': 'a b' }, 'cgroup-parent', /is not a cgroup path/],
  [{ target: 'bad target' }, 'target', /not a build stage name/],
  [{ password: '' }, 'password', /is required when "username"/],
  [{ username: '' }, 'username', /is required when "registry" or "password"/],
  [{ registry: 'not a host!' }, 'registry', /is not a registry host/],
  [{ mail: 'not-an-email' }, 'mail', /is not an email address/],
  [{ mail: 'a@example.com, A@example.com' }, 'mail', /listed twice/],
  [{ mail: '' }, 'mail', /at least one recipient is required/],
  [
    { from: '' },
    'from',
    /sender verified in your SendGrid account is required .*sendgridmailaction@github\.com/,
  ],
  [{ from: 'Build Bot <bot@>' }, 'from', /is not an email address/],
  [{ cc: 'cc@@example.com' }, 'cc', /is not an email address/],
  [{ bcc: 'bcc@example' }, 'bcc', /is not an email address/],
  [{ 'reply-to': 'reply to@example.com' }, 'reply-to', /is not an email address/],
  [{ mail: 'Ann\r\nBcc: evil@example.com <a@example.com>' }, 'mail', /is not an email address/],
  [{ subject: 'Deployed\r\nBcc: evil@example.com' }, 'subject', /must be one line/],
  [{ subject: '{{ imgae }} is out' }, 'subject', /unknown placeholder \{\{ imgae \}\}/],
  [{ html: '<p>{{ nope }}</p>' }, 'html', /unknown placeholder \{\{ nope \}\}/],
  [{ text: 'digest {{digest}} {{ sha1 }}' }, 'text', /unknown placeholder \{\{ sha1 \}\}/],
  [{ 'template-id': TEMPLATE, 'template-data': '[1,2]' }, 'template-data', /must be a JSON object/],
  [{ 'template-id': TEMPLATE, 'template-data': '{bad json' }, 'template-data', /not valid JSON/],
  [{ 'template-data': '{"a":1}' }, 'template-data', /only used with "template-id"/],
  [{ 'template-id': 'welcome' }, 'template-id', /not a SendGrid dynamic template id/],
  // SendGrid's client sends an uppercase D- id as a legacy template, dropping the template data.
  [{ 'template-id': TEMPLATE.replace('d-', 'D-') }, 'template-id', /lowercase d- followed by/],
  [{ mail: '"Doe, Ann" <ann@example.com>' }, 'mail', /contains "," or ";", which SendGrid/],
  [{ cc: '"Ops; on call" <ops@example.com>' }, 'cc', /contains "," or ";"/],
  [
    { bcc: Array.from({ length: 1000 }, (_, i) => `b${i}@example.com`).join('\n') },
    'bcc',
    /cc and bcc list 1000 addresses together; SendGrid allows 1000 recipients per request/,
  ],
  [{ 'template-id': TEMPLATE, html: '<p>hi</p>' }, 'template-id', /cannot be combined/],
  [{ 'notify-on': 'sometimes' }, 'notify-on', /expected one of always, success, failure, never/],
  [{ individual: 'maybe' }, 'individual', /expected true or false/],
  [{ sandbox: 'True-ish' }, 'sandbox', /expected true or false/],
  [
    { 'sendgrid-api-url': 'ftp://api.sendgrid.com' },
    'sendgrid-api-url',
    /must be an http:\/\/ or https:\/\/ URL/,
  ],
  [{ 'sendgrid-api-url': 'api.sendgrid.com' }, 'sendgrid-api-url', /is not a URL/],
  [{ 'sendgrid-timeout': '-5' }, 'sendgrid-timeout', /number of seconds/],
  [{ 'sendgrid-timeout': 'ten' }, 'sendgrid-timeout', /number of seconds/],
  [{ 'fail-on-notify-error': 'nope' }, 'fail-on-notify-error', /expected true or false/],
  [
    { 'watchtower-url': 'ftp://host-a:8080' },
    'watchtower-url',
    /must be an http:\/\/ or https:\/\/ URL/,
  ],
  [
    { 'watchtower-url': 'https://admin:hunter2@host-a:8080' },
    'watchtower-url',
    /must not contain credentials/,
  ],
  [{ 'watchtower-timeout': '-1' }, 'watchtower-timeout', /number of seconds/],
  [{ 'watchtower-timeout': 'soon' }, 'watchtower-timeout', /number of seconds/],
  [{ 'watchtower-wait': 'later' }, 'watchtower-wait', /expected true or false/],
  [{ 'watchtower-images': 'acme/api:v2' }, 'watchtower-images', /has a tag/],
  [{ 'watchtower-images': 'Acme/API' }, 'watchtower-images', /must be lowercase/],
  [{ 'fail-on-deploy-error': 'perhaps' }, 'fail-on-deploy-error', /expected true or false/],
  [{ 'watchtower-url': '' }, 'watchtower-url', /is required when "watchtower-token" is set/],
  [{ 'swarm-services': 'web.app' }, 'swarm-services', /"web.app" is not a Swarm service name/],
  [{ 'swarm-services': 'web-' }, 'swarm-services', /is not a Swarm service name/],
  [{ 'swarm-services': 's'.repeat(64) }, 'swarm-services', /at most 63 characters/],
  [{ 'swarm-services': 'web=a=b' }, 'swarm-services', /is not "name" or "name=repository"/],
  [{ 'swarm-services': 'api\napi' }, 'swarm-services', /"api" is listed more than once/],
  [
    { 'swarm-services': 'web=ghcr.io/acme/other' },
    'swarm-services',
    /ghcr.io\/acme\/other is not a repository this step pushes \(127.0.0.1:5999\/acme\/api\)/,
  ],
  [
    { 'swarm-services': 'web=127.0.0.1:5999/acme/api:1.0.0' },
    'swarm-services',
    /not a repository this step pushes .*without tag/,
  ],
  [{ 'swarm-host': 'https://manager:2376' }, 'swarm-host', /"https:\/\/" is not supported/],
  [{ 'swarm-host': 'ssh://deploy:pw@manager' }, 'swarm-host', /must not contain a password/],
  [{ 'swarm-host': 'unix://var/run/docker.sock' }, 'swarm-host', /has no absolute socket path/],
  [{ 'swarm-host': 'ssh://deploy@manager/srv' }, 'swarm-host', /must not have a path/],
  [
    { 'swarm-host': 'ssh://deploy@manager', 'swarm-tls-ca': PEM.cert },
    'swarm-tls-ca',
    /is only used with a tcp:\/\/ swarm-host/,
  ],
  [
    { 'swarm-host': 'tcp://manager:2376', 'swarm-tls-ca': PEM.cert },
    'swarm-tls-cert',
    /is required with swarm-tls-ca/,
  ],
  [
    { 'swarm-host': 'tcp://manager:2376', ...PEM.all, 'swarm-tls-key': '/home/ci/key.pem' },
    'swarm-tls-key',
    /expected the PEM text of a private key \(-----BEGIN PRIVATE KEY-----…\), not a file path/,
  ],
  [
    { 'swarm-host': 'tcp://manager:2376', ...PEM.all, 'swarm-tls-cert': PEM.all['swarm-tls-key'] },
    'swarm-tls-cert',
    /expected the PEM text of a certificate \(-----BEGIN CERTIFICATE-----…\)/,
  ],
  [{ 'swarm-host': 'manager:2376' }, 'swarm-host', /is not a Docker endpoint: expected ssh:/],
  [{ 'swarm-host': 'ssh://-oProxyCommand=x' }, 'swarm-host', /cannot start with "-"/],
  [{ 'swarm-timeout': 'forever' }, 'swarm-timeout', /number of seconds/],
  [
    { 'swarm-services': '', 'swarm-host': 'tcp://manager:2376' },
    'swarm-services',
    /is required when "swarm-host" is set/,
  ],
];
const CASES = ALL_CASES.filter(
  ([, , , kind]) => !kind || kind === (BUILDER.buildx ? 'buildx' : 'classic'),
);

let shim: DockerShim;
let sendgrid: SendGridServer;
let watchtower: WatchtowerServer;
let context: string;
let valid: Record<string, string>;

beforeAll(async () => {
  shim = installDockerShim();
  sendgrid = await startSendGrid(PLANTED.sendgridToken);
  watchtower = await startWatchtower({ token: PLANTED.watchtowerToken });
  context = makeContext(BUSYBOX_BASE);
  valid = {
    context,
    tags: '127.0.0.1:5999/acme/api:1.0.0',
    registry: '127.0.0.1:5999',
    username: 'ci',
    password: PLANTED.password,
    'sendgrid-token': PLANTED.sendgridToken,
    'sendgrid-api-url': sendgrid.url,
    mail: 'dev@example.com',
    from: 'CI <ci@example.com>',
    'watchtower-url': watchtower.url,
    'watchtower-token': PLANTED.watchtowerToken,
    'swarm-services': 'api',
  };
});
afterAll(async () => {
  shim?.remove();
  await sendgrid?.stop();
  await watchtower?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

describe('bad input is rejected before anything runs', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('%j → %s', async (overrides, input, expected) => {
    shim.reset();
    const run = await runAction({
      inputs: { ...valid, ...overrides },
      env: { PATH: shim.path, ACTIONS_STEP_DEBUG: 'true' },
    });
    expect(run.exitCode).toBe(1);
    const errors = errorAnnotations(run);
    expect(errors).toHaveLength(1);
    const problem = errors[0]!.split('\n').find((line) => line.includes(`Input "${input}"`));
    expect(problem, errors[0]).toBeDefined();
    expect(problem).toMatch(expected);
    expect(shim.calls()).toEqual([]);
    expect(sendgrid.requestCount()).toBe(0);
    expect(watchtower.requestCount()).toBe(0);
    expect(run.summary).toContain('inputs rejected');
    expect(leakedSecrets(run)).toEqual([]);
  });

  it.each([
    [
      'DOCKER_BUILDKIT',
      'no',
      /Environment variable DOCKER_BUILDKIT: expected a boolean as docker reads it .*got "no"/,
    ],
    [
      'DOCKER_BUILD_SUMMARY',
      'off',
      /Environment variable DOCKER_BUILD_SUMMARY: expected a boolean .*got "off"/,
    ],
  ])(
    'a %s that is not a boolean is reported before anything runs',
    async (variable, value, message) => {
      shim.reset();
      const run = await runAction({ inputs: valid, env: { PATH: shim.path, [variable]: value } });
      expect(run.exitCode).toBe(1);
      expect(errorAnnotations(run)[0]).toMatch(message);
      expect(shim.calls()).toEqual([]);
      expect(sendgrid.requestCount()).toBe(0);
    },
  );

  it('reports every bad input of a run at once', async () => {
    const run = await runAction({
      inputs: { ...valid, push: 'yes', 'notify-on': 'sometimes', tags: 'UPPER:1' },
      env: { PATH: shim.path },
    });
    const [error] = errorAnnotations(run);
    expect(error).toMatch(/^3 inputs are invalid/);
    for (const input of ['push', 'notify-on', 'tags']) expect(error).toContain(`Input "${input}"`);
  });
});
