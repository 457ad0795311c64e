// Login in the same step against a real registry with htpasswd auth: the password goes through
// stdin, and the credentials are gone from the Docker config when the step ends.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from '../helpers/action.js';
import { tempDockerConfig } from '../helpers/builders.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets } from '../helpers/secrets.js';

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

/** Runs the action logging in with `password`, in a Docker config of its own. */
async function runWithLogin(password: string) {
  const dockerConfig = tempDockerConfig();
  const repo = uniqueName('private');
  const run = await runAction({
    inputs: {
      context,
      tags: `${registry.host}/${repo}:1`,
      registry: registry.host,
      username: USER,
      password,
    },
    env: { DOCKER_CONFIG: dockerConfig },
  });
  const file = path.join(dockerConfig, 'config.json');
  const auths: unknown = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')).auths ?? {})
    : {};
  fs.rmSync(dockerConfig, { recursive: true, force: true });
  return { run, repo, auths };
}

describe('registry login', () => {
  it('logs in with the password on stdin, pushes, and logs out again', async () => {
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
});
