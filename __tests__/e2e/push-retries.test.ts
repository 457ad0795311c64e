// Pushes through a registry that fails: a real registry behind a loopback proxy that answers the
// first manifest uploads with 429/503 (transient: tried again) or 401 (permanent: not). Manifest
// uploads, because neither dockerd nor BuildKit retries them all by itself: dockerd retries layer
// uploads only, and BuildKit retries a manifest upload a few times (the standalone builder absorbs
// a few transient errors within one try of the action, as the cases below show).
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, errorAnnotations, runAction } from '../helpers/action.js';
import { BUILDER } from '../helpers/builders.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { type FlakyAnswer, MANIFEST_PUT, startFlakyProxy } from '../helpers/flaky-proxy.js';
import { type Registry, startRegistry } from '../helpers/registry.js';

let registry: Registry;
let context: string;

beforeAll(async () => {
  registry = await startRegistry();
  context = makeContext(`${BUSYBOX_BASE}RUN echo ${uniqueName('retry')} > /retry\n`);
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});

/** The own BuildKit (not dockerd's) retries a failed manifest upload itself: 8 requests in all. */
const BUILDKIT_RETRIES_ITSELF = BUILDER.id === 'buildx-standalone';

/** Pushes one tag through a proxy that gives `answers` to the first manifest uploads. */
async function pushThrough(answers: FlakyAnswer[]) {
  const proxy = await startFlakyProxy(registry.host, {
    match: MANIFEST_PUT,
    answers,
    retryAfterSeconds: 1,
  });
  const repo = uniqueName('flaky');
  try {
    const run = await runAction({ inputs: { context, tags: `${proxy.host}/${repo}:1` } });
    const pushCommands = run.stdout
      .split('\n')
      .filter((line) => /^\[command\]\S*docker (push|buildx build) /.test(line)).length;
    return { run, repo, proxy, pushCommands };
  } finally {
    await proxy.stop();
  }
}

describe('pushes that meet registry errors', () => {
  it('two transient errors (429, then 503): pushed, and the summary says how many tries', async () => {
    const { run, repo, proxy, pushCommands } = await pushThrough([429, 503]);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registry.manifestDigest(repo, '1'));
    expect(proxy.matched.map((m) => m.answer).slice(0, 3)).toEqual([429, 503, 'forwarded']);
    const tries = BUILDKIT_RETRIES_ITSELF ? 1 : 3;
    expect(JSON.parse(run.outputs.metadata!).pushTries).toBe(tries);
    expect(run.summary).toMatch(new RegExp(`\\| Push \\| [^|]*${tries} tr(y|ies) \\|`));
    expect(pushCommands).toBe(tries);
    expect(annotations(run, 'warning')).toHaveLength(tries - 1);
    if (tries > 1)
      expect(annotations(run, 'warning')[0]).toMatch(
        /the registry failed transiently \(.*429.*\); try 2 of 3 in 2 s/,
      );
  });

  it('more transient errors than the builder absorbs: retried up to 3 tries, then given up', async () => {
    // Eight 503s: more than the action's 3 tries on dockerd; on the own BuildKit exactly what
    // one try absorbs (BuildKit 0.32 makes 4 attempts, after 1, 2 and 4 s, of 2 requests each,
    // as measured here), so the action's second try pushes.
    const { run, repo, pushCommands } = await pushThrough(Array<FlakyAnswer>(8).fill(503));
    if (BUILDKIT_RETRIES_ITSELF) {
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.digest).toBe(await registry.manifestDigest(repo, '1'));
      expect(JSON.parse(run.outputs.metadata!).pushTries).toBe(2);
      expect(pushCommands).toBe(2);
      return;
    }
    expect(run.exitCode).toBe(1);
    expect(pushCommands).toBe(3);
    expect(errorAnnotations(run)[0]).toMatch(
      /^push failed: docker (buildx build|push) failed with exit code \d+ \(3 tries\)\n[\s\S]*503/,
    );
    expect(run.outputs.digest ?? '').toBe('');
  });

  it('a 401 is not tried again', async () => {
    const { run, proxy, pushCommands } = await pushThrough([401]);
    expect(run.exitCode).toBe(1);
    expect(pushCommands).toBe(1);
    expect(proxy.matched.map((m) => m.answer)).toEqual([401]);
    expect(errorAnnotations(run)[0]).toMatch(
      /^push failed: [^\n]*exit code \d+\n[\s\S]*(401|unauthorized)/i,
    );
    expect(annotations(run, 'warning')).toEqual([]);
  });
});
