import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type InputEnvironment, InputError, readInputs } from '../../src/inputs/index.js';
import { splitList } from '../../src/lists.js';

const env: InputEnvironment = {
  isDirectory: () => true,
  isFile: () => true,
  variables: {},
  builder: { kind: 'classic', name: '' },
};
const buildx: InputEnvironment = { ...env, builder: { kind: 'buildx', name: '' } };

function read(values: Record<string, string>) {
  return (name: string): string => values[name] ?? '';
}

function problemsOf(values: Record<string, string>, environment = env): string[] {
  try {
    readInputs(read(values), environment);
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

describe('readInputs', () => {
  it('applies the documented defaults', () => {
    const inputs = readInputs(read({ tags: 'app:1' }), env);
    expect(inputs.build).toMatchObject({
      context: '.',
      file: 'Dockerfile',
      push: true,
      pull: false,
      noCache: false,
      tags: ['app:1'],
    });
    expect(inputs.login).toBeUndefined();
    expect(inputs.mail).toBeUndefined();
    expect(inputs.deploy).toBeUndefined();
  });

  it('splits tags on newlines and commas, build-args and labels on lines only', () => {
    const inputs = readInputs(
      read({
        tags: 'a:1, a:2\n\n a:3 ',
        'build-args': 'A=1,2\nB=x=y\n',
        labels: 'org.example.x=a, b',
        'cache-from': 'type=registry,ref=a:cache',
        platforms: 'linux/amd64,linux/arm64',
      }),
      buildx,
    );
    expect(inputs.build.tags).toEqual(['a:1', 'a:2', 'a:3']);
    expect(inputs.build.buildArgs).toEqual(['A=1,2', 'B=x=y']);
    expect(inputs.build.labels).toEqual(['org.example.x=a, b']);
    expect(inputs.build.cacheFrom).toEqual(['type=registry,ref=a:cache']);
    expect(inputs.build.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('derives the Dockerfile from the context and checks both exist', () => {
    expect(readInputs(read({ tags: 'a:1', context: 'svc' }), env).build.file).toBe(
      'svc/Dockerfile',
    );
    const problems = problemsOf(
      { tags: 'a:1', context: 'nope' },
      { ...env, isDirectory: () => false, isFile: () => false },
    );
    expect(problems).toEqual([
      'Input "context": "nope" is not a directory (expected the build context path)',
      'Input "context": Dockerfile "nope/Dockerfile" does not exist',
    ]);
  });

  it.each([
    'https://github.com/acme/api.git#main',
    'git://127.0.0.1:9418/repo.git#main:app',
    'git@github.com:acme/api.git#v1.2:services/api',
    'github.com/acme/api',
    'https://example.com/context.tar.gz',
  ])('accepts the remote context %s without looking for it on disk', (context) => {
    const nothingOnDisk = { ...env, isDirectory: () => false, isFile: () => false };
    const remote = readInputs(read({ tags: 'a:1', context }), nothingOnDisk).build;
    // No file given: docker reads the context's own Dockerfile.
    expect(remote).toMatchObject({ context, file: '' });
    // A file given is a path inside the context, passed through as written.
    expect(
      readInputs(read({ tags: 'a:1', context, file: 'docker/Prod.Dockerfile' }), nothingOnDisk)
        .build.file,
    ).toBe('docker/Prod.Dockerfile');
  });

  it('reads the builder, which needs buildx', () => {
    expect(readInputs(read({ tags: 'a:1', builder: 'ci-builder' }), buildx).build.builder).toBe(
      'ci-builder',
    );
    expect(problemsOf({ tags: 'a:1', builder: 'ci-builder' })).toEqual([
      expect.stringMatching(/^Input "builder": needs docker buildx/),
    ]);
    expect(problemsOf({ tags: 'a:1', builder: '--push' }, buildx)).toEqual([
      'Input "builder": "--push" is not a buildx builder name',
    ]);
  });

  it('reports a DOCKER_BUILDKIT docker would reject with the input problems', () => {
    expect(
      problemsOf(
        { tags: 'a:1' },
        { ...env, builder: { kind: 'classic', name: '', problem: 'bad env' } },
      ),
    ).toEqual(['bad env']);
  });

  it('does not require tags when push is false', () => {
    expect(readInputs(read({ push: 'false' }), env).build.tags).toEqual([]);
  });

  it('reads the login and never repeats the password in a problem', () => {
    expect(
      readInputs(read({ tags: 'a:1', registry: 'ghcr.io', username: 'u', password: 'p4ss' }), env)
        .login,
    ).toEqual({
      registry: 'ghcr.io',
      username: 'u',
      password: 'p4ss',
    });
    const problems = problemsOf({ tags: 'a:1', password: 'p4ss-secret' });
    expect(problems.join()).toContain('Input "username"');
    expect(problems.join()).not.toContain('p4ss-secret');
  });

  it('reads the email inputs with their defaults', () => {
    const mail = readInputs(
      read({
        tags: 'a:1',
        'sendgrid-token': 'SG.x',
        mail: 'a@x.io; "Ann Doe" <ann@x.io>\nb@x.io',
        from: 'CI <ci@x.io>',
      }),
      env,
    ).mail!;
    expect(mail.to).toEqual([
      { email: 'a@x.io' },
      { email: 'ann@x.io', name: 'Ann Doe' },
      { email: 'b@x.io' },
    ]);
    expect(mail.from).toEqual({ email: 'ci@x.io', name: 'CI' });
    expect(mail).toMatchObject({
      notifyOn: 'always',
      individual: false,
      sandbox: false,
      failOnError: true,
      apiUrl: 'https://api.sendgrid.com',
      timeoutSeconds: 30,
    });
  });

  it('splits `mail` on `splitterator` alone when it is set (mmichailidis/sendgrid-mail-action)', () => {
    const mail = (values: Record<string, string>) =>
      readInputs(read({ tags: 'a:1', from: 'ci@x.io', 'sendgrid-token': 'SG.x', ...values }), env)
        .mail!.to;
    expect(mail({ mail: 'a@x.io|Ann <ann@x.io>| b@x.io|', splitterator: '|' })).toEqual([
      { email: 'a@x.io' },
      { email: 'ann@x.io', name: 'Ann' },
      { email: 'b@x.io' },
    ]);
    expect(mail({ mail: 'a@x.io,b@x.io', splitterator: ',' })).toHaveLength(2);
    expect(
      problemsOf({ tags: 'a:1', from: 'ci@x.io', mail: 'a@x.io,b@x.io', splitterator: ';' }),
    ).toEqual([
      'Input "mail": "a@x.io,b@x.io" is not an email address (expected name@example.com or Name <name@example.com>)',
    ]);
  });

  it('requires `from`, saying why to someone coming from mmichailidis/sendgrid-mail-action', () => {
    expect(problemsOf({ tags: 'a:1', 'sendgrid-token': 'SG.x', mail: 'a@x.io' })).toEqual([
      expect.stringMatching(
        /^Input "from": a sender verified in your SendGrid account is required .*sendgridmailaction@github\.com, which SendGrid rejects/,
      ),
    ]);
  });

  it('keeps an empty token (fork pull requests) as "skip", not an error', () => {
    const mail = readInputs(read({ tags: 'a:1', mail: 'a@x.io', from: 'ci@x.io' }), env).mail!;
    expect(mail.token).toBe('');
  });

  it('reads the deploy inputs', () => {
    const deploy = readInputs(
      read({
        tags: 'a:1',
        'watchtower-url': 'https://a:8080/, http://b:8080',
        'watchtower-token': 't',
        'watchtower-timeout': '12.5',
        'watchtower-wait': 'false',
      }),
      env,
    ).deploy!;
    expect(deploy).toEqual({
      watchtower: {
        urls: ['https://a:8080', 'http://b:8080'],
        token: 't',
        images: [],
        timeoutSeconds: 12.5,
        wait: false,
      },
      swarm: undefined,
      failOnError: true,
    });
  });

  it('reads the Swarm inputs: each service gets a pushed repository, as spelled in tags', () => {
    const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----`;
    const deploy = readInputs(
      read({
        tags: 'ghcr.io/acme/api:1\nacme/web:1\nghcr.io/acme/api:latest',
        'swarm-services': 'api, web=docker.io/acme/web\nworker=ghcr.io/acme/api',
        'swarm-host': 'tcp://manager:2376/',
        'swarm-tls-ca': pem('CERTIFICATE'),
        'swarm-tls-cert': pem('CERTIFICATE'),
        'swarm-tls-key': pem('EC PRIVATE KEY'),
        'swarm-timeout': '90',
        'fail-on-deploy-error': 'false',
      }),
      env,
    ).deploy!;
    expect(deploy.watchtower).toBeUndefined();
    expect(deploy.failOnError).toBe(false);
    expect(deploy.swarm).toEqual({
      services: [
        { name: 'api', repository: 'ghcr.io/acme/api' },
        { name: 'web', repository: 'acme/web' },
        { name: 'worker', repository: 'ghcr.io/acme/api' },
      ],
      host: 'tcp://manager:2376',
      tls: {
        ca: `${pem('CERTIFICATE')}\n`,
        cert: `${pem('CERTIFICATE')}\n`,
        key: `${pem('EC PRIVATE KEY')}\n`,
      },
      timeoutSeconds: 90,
    });
  });

  it.each([
    ['ssh://deploy@manager.example.com', 'ssh://deploy@manager.example.com'],
    ['ssh://deploy@10.0.0.5:2222', 'ssh://deploy@10.0.0.5:2222'],
    ['unix:///var/run/docker.sock', 'unix:///var/run/docker.sock'],
    ['tcp://[fd00::5]:2375', 'tcp://[fd00::5]:2375'],
    ['', ''],
  ])('swarm-host %j is taken as %j', (given, host) => {
    const inputs = readInputs(
      read({ tags: 'a:1', 'swarm-services': 'a', 'swarm-host': given }),
      env,
    );
    expect(inputs.deploy?.swarm?.host).toBe(host);
  });
});

describe('list inputs, split as docker/build-push-action splits them', () => {
  it('honours double quotes: commas and line breaks inside, "" for a quote', () => {
    expect(splitList('a, b\nc', { commas: true })).toEqual(['a', 'b', 'c']);
    expect(splitList('A=1,2\n"B=x\ny"\n"C={""k"":""v""}"\n\n', { commas: false })).toEqual([
      'A=1,2',
      'B=x\ny',
      'C={"k":"v"}',
    ]);
    // A quote inside a field is literal; `outputs` takes every quote literally.
    expect(splitList('A=say "hi"', { commas: false })).toEqual(['A=say "hi"']);
    expect(splitList('"type=local,dest=out"', { commas: false, quotes: false })).toEqual([
      '"type=local,dest=out"',
    ]);
    expect(splitList('a\r\nb\r\n')).toEqual(['a', 'b']);
  });
});

describe('the build inputs of docker/build-push-action', () => {
  const all = {
    tags: 'a:1',
    ssh: 'default',
    'build-contexts': 'base=docker-image://alpine:3\nassets=./assets',
    provenance: 'mode=max',
    sbom: 'true',
    attests: 'type=sbom,generator=image',
    annotations: 'index:org.opencontainers.image.title=api',
    load: 'true',
    network: 'host',
    'add-hosts': 'db:10.0.0.5, gw:host-gateway, v6:::1',
    'shm-size': '2g',
    ulimit: 'nofile=1024:2048\nnproc=-1',
    'cgroup-parent': '/ci',
    outputs: 'type=local,dest=out',
    allow: 'network.host,security.insecure',
    'no-cache-filters': 'deps, tests',
  };

  it('reads each into the build inputs', () => {
    expect(readInputs(read(all), buildx).build).toMatchObject({
      ssh: ['default'],
      buildContexts: ['base=docker-image://alpine:3', 'assets=./assets'],
      provenance: 'mode=max',
      sbom: 'true',
      attests: ['type=sbom,generator=image'],
      annotations: ['index:org.opencontainers.image.title=api'],
      load: true,
      network: 'host',
      addHosts: ['db:10.0.0.5', 'gw:host-gateway', 'v6:::1'],
      shmSize: '2g',
      ulimits: ['nofile=1024:2048', 'nproc=-1'],
      cgroupParent: '/ci',
      outputs: ['type=local,dest=out'],
      allow: ['network.host', 'security.insecure'],
      noCacheFilters: ['deps', 'tests'],
    });
  });

  it('on the classic builder, takes what docker build has and names every buildx-only input', () => {
    const classic = readInputs(
      read({ tags: 'a:1', network: 'none', 'add-hosts': 'db:10.0.0.5', ulimit: 'nofile=10' }),
      env,
    ).build;
    expect(classic).toMatchObject({ network: 'none', addHosts: ['db:10.0.0.5'] });
    const problems = problemsOf(all);
    const buildxOnly = ['ssh', 'build-contexts', 'provenance', 'sbom', 'attests', 'annotations'];
    for (const name of [...buildxOnly, 'outputs', 'allow', 'no-cache-filters'])
      expect(problems).toContain(
        `Input "${name}": needs docker buildx, which is not installed on this runner or is turned off by DOCKER_BUILDKIT (use docker/setup-buildx-action, or remove the input)`,
      );
    for (const name of ['load', 'network', 'add-hosts', 'shm-size', 'ulimit', 'cgroup-parent'])
      expect(problems.join('\n')).not.toContain(`Input "${name}"`);
  });

  it('accepts sizes as docker does', () => {
    for (const size of ['2g', '2GiB', '1.5 g', '512m', '1073741824'])
      expect(problemsOf({ tags: 'a:1', 'shm-size': size }, buildx)).toEqual([]);
  });

  it.each([
    [{ 'add-hosts': 'db' }, /Input "add-hosts": "db" is not host:ip/],
    [{ 'add-hosts': 'db:10.0.0.999' }, /"10\.0\.0\.999" is not an IP address/],
    [{ 'add-hosts': 'db=10.0.0.5' }, /Input "add-hosts": "db=10\.0\.0\.5" is not host:ip/],
    [{ 'add-hosts': 'v6:[::1]' }, /"\[::1\]" is not an IP address/],
    [{ 'shm-size': '512bb' }, /Input "shm-size": "512bb" is not a size/],
    [
      { load: 'true', platforms: 'linux/amd64,linux/arm64' },
      /Input "load": docker's image store holds one platform/,
    ],
    [{ secrets: '"A=unclosed\nB=2' }, /Input "secrets": has a " that is never closed/],
    [{ secrets: 'A=1', 'secret-files': 'A=x' }, /the secret id "A" is given more than once/],
    [{ ulimit: 'nofile' }, /Input "ulimit": "nofile" is not name=soft\[:hard\]/],
    [{ ulimit: 'files=10' }, /"files" is not a ulimit name/],
    [{ ulimit: 'nofile=10:5' }, /soft limit is above the hard limit/],
    [{ 'shm-size': 'lots' }, /Input "shm-size": "lots" is not a size/],
    [{ network: 'my net' }, /Input "network": "my net" is not default, none, host/],
    [{ 'build-contexts': 'base' }, /Input "build-contexts": "base" is not NAME=path/],
    [{ attests: 'sbom' }, /Input "attests": "sbom" is not type=/],
    [{ annotations: 'title' }, /Input "annotations": "title" is not KEY=value/],
    [{ call: 'lint' }, /Input "call": "lint" is not one of build, check, outline, targets/],
    [{ call: 'check' }, /Input "call": "check" evaluates the build .*set push: false/],
    [{ 'no-cache-filters': 'bad stage' }, /"bad stage" is not a build stage name/],
    [{ allow: 'Network Host' }, /Input "allow": "Network Host" is not an entitlement/],
    [{ ssh: 'key=' }, /Input "ssh": "key=" is not default or ID/],
    [{ provenance: 'mode=max\nx' }, /Input "provenance": must be one line/],
  ])('rejects %j', (values, message) => {
    expect(problemsOf({ tags: 'a:1', ...values }, buildx).join('\n')).toMatch(message);
  });
});

describe('build secrets', () => {
  const secretEnv: InputEnvironment = {
    ...buildx,
    isFile: (p) => p === 'npmrc' || p.endsWith('Dockerfile'),
    variables: { NPM_TOKEN_VAR: 'from-env', GITHUB_SERVER_URL: 'https://github.com' },
  };

  it('reads secrets, secret-files and secret-envs in build-push-action’s formats', () => {
    const inputs = readInputs(
      read({
        tags: 'a:1',
        secrets: 'npm_token=abc=def\n"multi=line one\nline two"',
        'secret-files': 'npmrc=npmrc',
        'secret-envs': 'token=NPM_TOKEN_VAR',
      }),
      secretEnv,
    );
    expect(inputs.build.secrets).toEqual([
      { id: 'npm_token', value: 'abc=def' },
      { id: 'multi', value: 'line one\nline two' },
      { id: 'npmrc', file: 'npmrc' },
      { id: 'token', variable: 'NPM_TOKEN_VAR' },
    ]);
  });

  it('never quotes a secret value in a problem', () => {
    const problems = problemsOf(
      { tags: 'a:1', secrets: 'just-the-Planted-Value-0f3a\nempty=', 'secret-envs': 'x=MISSING' },
      secretEnv,
    );
    expect(problems).toEqual([
      'Input "secrets": item 1 is not ID=value (the value is not shown)',
      'Input "secrets": "empty" has an empty value',
      'Input "secret-envs": "x": environment variable MISSING is empty or not set',
    ]);
    expect(problemsOf({ tags: 'a:1', 'secret-files': 'k=nope' }, secretEnv)).toEqual([
      'Input "secret-files": "k": file "nope" does not exist',
    ]);
  });

  it('gives the github token to Git contexts on the GitHub server only, under its host', () => {
    const token = 'ghs_PlantedToken';
    const secretsFor = (context: string, extra: Record<string, string> = {}) =>
      readInputs(read({ tags: 'a:1', context, 'github-token': token, ...extra }), secretEnv).build
        .secrets;
    expect(secretsFor('https://github.com/acme/api.git#main')).toEqual([
      { id: 'GIT_AUTH_TOKEN.github.com', value: token },
    ]);
    expect(secretsFor('git@github.com:acme/api.git')).toHaveLength(1);
    expect(secretsFor('.')).toEqual([]);
    expect(secretsFor('https://gitlab.com/acme/api.git')).toEqual([]);
    expect(secretsFor('https://example.com/context.tar.gz')).toEqual([]);
    // A build context from GitHub counts too; the user's own GIT_AUTH_TOKEN wins.
    expect(
      secretsFor('.', { 'build-contexts': 'lib=https://github.com/acme/lib.git#v1' }),
    ).toHaveLength(1);
    expect(
      secretsFor('https://github.com/acme/api.git', { secrets: 'GIT_AUTH_TOKEN=mine' }),
    ).toEqual([{ id: 'GIT_AUTH_TOKEN', value: 'mine' }]);
    // The classic builder clones with the runner's git: no secret.
    expect(
      readInputs(
        read({ tags: 'a:1', context: 'https://github.com/acme/api.git', 'github-token': token }),
        { ...secretEnv, builder: { kind: 'classic', name: '' } },
      ).build.secrets,
    ).toEqual([]);
  });
});

describe('build-summary', () => {
  const summary = (values: Record<string, string>, variables: Record<string, string> = {}) =>
    readInputs(read({ tags: 'app:1', ...values }), { ...env, variables }).build.summary;

  it('is on by default; DOCKER_BUILD_SUMMARY turns it off as build-push-action reads it; the input wins', () => {
    expect(summary({})).toBe(true);
    for (const off of ['false', '0', 'f', 'FALSE'])
      expect(summary({}, { DOCKER_BUILD_SUMMARY: off }), off).toBe(false);
    expect(summary({}, { DOCKER_BUILD_SUMMARY: 'true' })).toBe(true);
    expect(summary({ 'build-summary': 'false' })).toBe(false);
    expect(summary({ 'build-summary': 'true' }, { DOCKER_BUILD_SUMMARY: 'false' })).toBe(true);
    expect(
      problemsOf({ tags: 'app:1' }, { ...env, variables: { DOCKER_BUILD_SUMMARY: 'no' } }),
    ).toEqual([
      'Environment variable DOCKER_BUILD_SUMMARY: expected a boolean (1, 0, true, false, t, f), got "no"',
    ]);
    // The input set, the variable is not read.
    expect(summary({ 'build-summary': 'false' }, { DOCKER_BUILD_SUMMARY: 'no' })).toBe(false);
  });
});

describe("action.yml's defaults", () => {
  // The runner sets every input a workflow leaves out to action.yml's default; the harness of the
  // end-to-end suites sets none. Both must read the same, or one of the two is untested.
  it('read the same as inputs left empty, for every input that has one', () => {
    const action = parse(
      fs.readFileSync(path.join(import.meta.dirname, '../../action.yml'), 'utf8'),
    ) as {
      inputs: Record<string, { default?: string }>;
    };
    const defaults = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, input]) => input.default !== undefined && !input.default.includes('${{'))
        .map(([name, input]) => [name, input.default!]),
    );
    expect(Object.keys(defaults).length).toBeGreaterThan(10);
    // Every stage on, so each stage's defaults are read.
    const given = {
      tags: 'app:1',
      mail: 'team@example.com',
      from: 'ci@example.com',
      'sendgrid-token': 'SG.x',
      'watchtower-url': 'https://deploy.example.com',
      'watchtower-token': 'token',
      'swarm-services': 'api',
    };
    const withDefaults = readInputs(read({ ...defaults, ...given }), buildx);
    const leftEmpty = readInputs(read(given), buildx);
    expect(withDefaults).toEqual(leftEmpty);
  });
});
