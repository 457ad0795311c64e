// Rebuilding one commit on each builder: is the image the same (image id), and is what the
// registry serves the same (digest)? The expectations are the README's table.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
import { BUILDER, CONTAINERD_STORE } from '../helpers/builders.js';
import { makeContext, uniqueName } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { REBUILD_CASES, type RebuildColumn } from './reproducibility-cases.js';

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

describe.each(REBUILD_CASES)('the same commit built twice, $rebuild', (c) => {
  it('gives the digest and image id the README says', async () => {
    // A first step of its own: the classic builder's cache picks any image with the same step,
    // and another test's no-cache build of the same base would make a second one.
    const unique = uniqueName('layer');
    const context = makeContext(`FROM scratch\nCOPY unique /unique\n${c.dockerfile}`, { unique });
    const repo = uniqueName('rebuild');
    const event = { head_commit: { message: 'fix', timestamp: '2026-11-01T10:00:00Z' } };
    const build = () =>
      runAction({
        inputs: { context, tags: `${registry.host}/${repo}:1`, 'no-cache': String(c.noCache) },
        event,
      });
    try {
      const first = await build();
      // Two CI runs are never in the same second; `date` and some tar headers count whole seconds.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const second = await build();
      expect(first.exitCode, first.stdout).toBe(0);
      expect(second.exitCode, second.stdout).toBe(0);
      expect(first.outputs.imageid).toMatch(/^sha256:/);

      const column: RebuildColumn = !BUILDER.buildx
        ? 'classic'
        : !(await registry.servesIndex(repo, '1'))
          ? 'buildx-manifest'
          : first.outputs.imageid === first.outputs.digest
            ? 'buildx-index-in-store'
            : 'buildx-index';
      if (BUILDER.id === 'buildx-standalone') expect(column).toBe('buildx-index');
      if (BUILDER.id === 'buildx-docker')
        expect(column).toBe(CONTAINERD_STORE ? 'buildx-index-in-store' : 'buildx-manifest');
      expect([
        second.outputs.digest === first.outputs.digest,
        second.outputs.imageid === first.outputs.imageid,
      ]).toEqual(c.same[column]);
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  });
});
