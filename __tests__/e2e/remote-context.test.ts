// Remote build contexts: a Git repository (with `#ref` and `#ref:subdir`) from a real git daemon
// and a tarball over HTTP. Without `file`, the builder reads the context's own Dockerfile; with
// it, `file` is a path inside the context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from '../helpers/action.js';
import { BUILDER } from '../helpers/builders.js';
import { dockerCli, pulledImageId, uniqueName } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { type RemoteContexts, startRemoteContexts } from '../helpers/remote-contexts.js';

let registry: Registry;
let remote: RemoteContexts;

beforeAll(async () => {
  // One after the other, so a failure leaves nothing running that afterAll cannot stop.
  registry = await startRegistry();
  remote = await startRemoteContexts();
});
afterAll(async () => {
  await Promise.all([registry?.stop(), remote?.stop()]);
});

/**
 * dockerd's own BuildKit before Docker 23 (the docker driver here runs dockerd 20.10's) cannot
 * build a subdirectory of a Git context: it fails with "subdir not supported yet".
 */
function subdirUnsupported(): boolean {
  if (BUILDER.id !== 'buildx-docker') return false;
  const version = dockerCli(['version', '--format', '{{.Server.Version}}']).trim();
  return Number(version.split('.')[0]) < 23;
}

/** Builds `context` (and `file`), pushes it, and returns what the pushed image says built it. */
async function buildRemote(context: string, file = '') {
  const repo = uniqueName('remote');
  const run = await runAction({
    inputs: { context, file, tags: `${registry.host}/${repo}:1` },
  });
  if (run.exitCode !== 0) return { run, builtFrom: undefined };
  const served = await registry.manifestDigest(repo, '1');
  expect(run.outputs.digest).toBe(served);
  const reference = `${registry.host}/${repo}@${served}`;
  expect(run.outputs.imageid).toBe(pulledImageId(reference));
  const builtFrom = dockerCli(['run', '--rm', reference, '/bin/busybox', 'cat', '/built-from']);
  return { run, builtFrom: builtFrom.trim() };
}

describe('remote build contexts', () => {
  it('a Git URL with #ref and no file builds the repository’s own Dockerfile', async () => {
    const { run, builtFrom } = await buildRemote(`${remote.gitUrl}#main`);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(builtFrom).toBe('top-level Dockerfile');
    expect(run.stdout).not.toContain('--file');
  });

  it('a Git URL with #ref:subdir builds that folder’s Dockerfile, and file is a path inside it', async () => {
    const own = await buildRemote(`${remote.gitUrl}#main:service`);
    const other = await buildRemote(`${remote.gitUrl}#main:service`, 'Other.Dockerfile');
    if (subdirUnsupported()) {
      for (const { run } of [own, other]) {
        expect(run.exitCode).toBe(1);
        expect(errorAnnotations(run)[0]).toMatch(/^build failed: [\s\S]*subdir not supported/);
      }
      return;
    }
    expect(own.run.exitCode, own.run.stdout).toBe(0);
    expect(own.builtFrom).toBe('service/Dockerfile');
    expect(other.run.exitCode, other.run.stdout).toBe(0);
    expect(other.builtFrom).toBe('service/Other.Dockerfile');
  });

  it('a tarball URL builds the Dockerfile at its top, or the file named inside it', async () => {
    const own = await buildRemote(remote.tarballUrl);
    expect(own.run.exitCode, own.run.stdout).toBe(0);
    expect(own.builtFrom).toBe('top-level Dockerfile');
    const named = await buildRemote(remote.tarballUrl, 'alt.Dockerfile');
    expect(named.run.exitCode, named.run.stdout).toBe(0);
    expect(named.builtFrom).toBe('alt.Dockerfile');
  });
});
