import { describe, expect, it } from 'vitest';
import { type InputEnvironment, InputError, readInputs } from '../../src/inputs/index.js';

const env: InputEnvironment = {
  isDirectory: () => true,
  isFile: () => true,
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
        mail: 'a@x.io; "Doe, Ann" <ann@x.io>\nb@x.io',
        from: 'CI <ci@x.io>',
      }),
      env,
    ).mail!;
    expect(mail.to).toEqual([
      { email: 'a@x.io' },
      { email: 'ann@x.io', name: 'Doe, Ann' },
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
      }),
      env,
    ).deploy!;
    expect(deploy).toEqual({
      urls: ['https://a:8080', 'http://b:8080'],
      token: 't',
      images: [],
      timeoutSeconds: 12.5,
      failOnError: true,
    });
  });
});
