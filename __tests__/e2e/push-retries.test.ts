// Pushes through a registry that fails: a real registry behind a loopback proxy that answers the
// first manifest uploads with 429/503 (transient: tried again) or 401 (permanent: not). Manifest
// uploads, because no builder retries them all by itself: dockerd 20.10 retries layer uploads
// only, while BuildKit 0.32 and dockerd 29 retry a manifest upload a few times (UPLOADS_PER_TRY),
// so they absorb a few transient errors within one try of the action, as the cases below show.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, errorAnnotations, runAction } from '../helpers/action.js';
import { BUILDER, ENGINE } from '../helpers/builders.js';
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

/**
 * How many manifest uploads one try of the action makes against 503s before the builder gives
 * up, as measured here:
 * - dockerd 20.10 (`docker push`, and its BuildKit 0.8): 1;
 * - `docker push` on dockerd 29 (containerd's pusher): 2, and it retries a 429 on top of those
 *   (containerd's resolver retries 408 and 429 itself);
 * - BuildKit 0.32, the own one and dockerd 29's: 8 (4 attempts, after 1, 2 and 4 s, of 2 each).
 */
const UPLOADS_PER_TRY =
  BUILDER.id === 'buildx-standalone' || (ENGINE.id === 'docker29' && BUILDER.id === 'buildx-docker')
    ? 8
    : ENGINE.id === 'docker29'
      ? 2
      : 1;
/** The action's own tries (src/docker/retry.ts). */
const ACTION_TRIES = 3;

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
    // Both errors within the builder's first try wherever it retries an upload itself.
    const tries = UPLOADS_PER_TRY > 1 ? 1 : 3;
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
    // Eight 503s: more than the action's 3 tries absorb where a try makes 1 or 2 uploads; on
    // BuildKit 0.32 exactly what one try absorbs, so the action's second try pushes.
    const errors = 8;
    const { run, repo, proxy, pushCommands } = await pushThrough(
      Array<FlakyAnswer>(errors).fill(503),
    );
    const triesNeeded = Math.floor(errors / UPLOADS_PER_TRY) + 1;
    if (triesNeeded <= ACTION_TRIES) {
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.digest).toBe(await registry.manifestDigest(repo, '1'));
      expect(JSON.parse(run.outputs.metadata!).pushTries).toBe(triesNeeded);
      expect(pushCommands).toBe(triesNeeded);
      return;
    }
    expect(run.exitCode).toBe(1);
    expect(pushCommands).toBe(ACTION_TRIES);
    expect(proxy.matched).toHaveLength(ACTION_TRIES * UPLOADS_PER_TRY);
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
