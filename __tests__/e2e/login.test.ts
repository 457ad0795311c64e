// Login in the same step against a real registry with htpasswd auth: the password goes through
// stdin into the step's own Docker config, which is gone when the step ends; the user's config
// (a login made before the step, a credential store) is left exactly as it was.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from '../helpers/action.js';
import { tempDockerConfig } from '../helpers/builders.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets } from '../helpers/secrets.js';
import { STEP_CASES } from '../hostile/step-cases.js';

const USER = 'ci-bot';
const PASSWORD = 'Planted-Registry-Secret-7f3a';

let registry: Registry;
let context: string;

beforeAll(async () => {
  registry = await startRegistry({ username: USER, password: PASSWORD });
  context = makeContext(`${BUSYBOX_BASE}RUN echo login > /login\n`);
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

/** Runs the action logging in with `password`; the user's Docker config is a new one unless given. */
async function runWithLogin(password: string, given?: string, env: Record<string, string> = {}) {
  const dockerConfig = given ?? tempDockerConfig();
  const repo = uniqueName('private');
  const run = await runAction({
    inputs: {
      context,
      tags: `${registry.host}/${repo}:1`,
      registry: registry.host,
      username: USER,
      password,
    },
    env: { DOCKER_CONFIG: dockerConfig, ...env },
  });
  const file = path.join(dockerConfig, 'config.json');
  const auths: unknown = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')).auths ?? {})
    : {};
  if (!given) fs.rmSync(dockerConfig, { recursive: true, force: true });
  return { run, repo, auths };
}

describe('registry login', () => {
  it('logs in with the password on stdin, pushes, and the login is gone with the step', async () => {
    const { run, repo, auths } = await runWithLogin(PASSWORD);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registry.manifestDigest(repo, '1'));
    expect(run.stdout).toContain(`::add-mask::${PASSWORD}`);
    expect(run.stdout).toMatch(/docker login --username ci-bot --password-stdin 127\.0\.0\.1:\d+/);
    expect(leakedSecrets(run, [PASSWORD])).toEqual([]);
    expect(auths).toEqual({});
  });

  it('a wrong password fails the login stage, builds nothing and leaks nothing', async () => {
    const wrong = 'Wrong-Planted-Password-91c2';
    const { run, auths } = await runWithLogin(wrong);
    expect(run.exitCode).not.toBe(0);
    const [error] = errorAnnotations(run);
    expect(error).toMatch(/^login failed: docker login failed/);
    expect(error).toMatch(/unauthorized|401/);
    expect(run.stdout).not.toContain('docker build');
    expect(run.summary).toContain('❌ login failed');
    expect(leakedSecrets(run, [wrong])).toEqual([]);
    expect(auths).toEqual({});
  });

  it(STEP_CASES.earlierLogin.outcome, async () => {
    const dockerConfig = tempDockerConfig();
    const docker = (args: string[], input?: string): string =>
      execFileSync('docker', args, {
        env: { ...process.env, DOCKER_CONFIG: dockerConfig },
        input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    docker(['login', '--username', USER, '--password-stdin', registry.host], PASSWORD);
    const before = fs.readFileSync(path.join(dockerConfig, 'config.json'));
    try {
      const { run, repo } = await runWithLogin(PASSWORD, dockerConfig);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).not.toMatch(/docker logout/);
      expect(fs.readFileSync(path.join(dockerConfig, 'config.json'))).toEqual(before);
      // The earlier login still works: the registry answers pulls only to it.
      expect(docker(['pull', '--quiet', `${registry.host}/${repo}:1`]).trim()).toBe(
        `${registry.host}/${repo}:1`,
      );
    } finally {
      fs.rmSync(dockerConfig, { recursive: true, force: true });
    }
  });

  it(STEP_CASES.credsStore.outcome, async () => {
    // A credential helper (the docker-credential-helpers protocol: `store`, `get`, `erase` and
    // `list`, the request on stdin) that records what it is asked and holds nothing.
    const helperDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-helper-'));
    const calls = path.join(helperDir, 'calls');
    fs.writeFileSync(
      path.join(helperDir, 'docker-credential-bpn-test'),
      `#!/bin/sh\nprintf '%s %s\\n' "$1" "$(cat)" >> ${calls}\ncase "$1" in\n  get) echo "credentials not found in native keychain"; exit 1 ;;\n  list) echo '{}' ;;\nesac\n`,
      { mode: 0o755 },
    );
    const dockerConfig = tempDockerConfig();
    const configText = '{"credsStore": "bpn-test", "credHelpers": {"other.example": "bpn-test"}}';
    fs.writeFileSync(path.join(dockerConfig, 'config.json'), configText);
    try {
      const { run } = await runWithLogin(PASSWORD, dockerConfig, {
        PATH: `${helperDir}:${process.env.PATH ?? ''}`,
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.digest).toMatch(/^sha256:/);
      // The store was never given the login, nor asked to forget one.
      const asked = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '';
      expect(asked).not.toMatch(/^(store|erase)/m);
      expect(asked).not.toContain(PASSWORD);
      expect(fs.readFileSync(path.join(dockerConfig, 'config.json'), 'utf8')).toBe(configText);
    } finally {
      fs.rmSync(dockerConfig, { recursive: true, force: true });
      fs.rmSync(helperDir, { recursive: true, force: true });
    }
  });
});
