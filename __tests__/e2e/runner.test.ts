// The action as a workflow runner runs it: nektos/act reads action.yml (so the inputs a user
// leaves out take action.yml's defaults, not the test harness's), starts dist/ with Node 24,
// runs the post step and hands the outputs to the next step. Everything asserted here is what
// that next step saw or what act itself logged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actMissing, runWorkflow } from '../helpers/act.js';
import { BUILDER } from '../helpers/builders.js';
import { BUSYBOX_BASE, makeContext, pulledImageId } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';

const WORKFLOW = path.join(import.meta.dirname, 'workflows', 'release.yml');
const missing = actMissing();

let registry: Registry;
let app: string;
let broken: string;

beforeAll(async () => {
  registry = await startRegistry();
  app = makeContext(`${BUSYBOX_BASE}RUN echo released > /released\n`);
  broken = makeContext(`${BUSYBOX_BASE}RUN echo "this step fails" && exit 3\n`);
});
afterAll(async () => {
  await registry?.stop();
  for (const dir of [app, broken]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ship = (context: 'app' | 'broken') =>
  runWorkflow({
    workflow: WORKFLOW,
    folders: { app, broken },
    env: { REGISTRY: registry.host, CONTEXT: context },
    processEnv: BUILDER.env,
  });

describe.skipIf(missing !== undefined)(
  `a workflow run by nektos/act${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('pushes with only context and tags set; the next step sees the outputs; the post step runs', async () => {
      const run = await ship('app');
      expect(run.exitCode, run.log).toBe(0);
      expect(run.stepResult('ship', 'Main')).toBe('success');
      expect(run.stepResult('ship', 'Post')).toBe('success');
      // act asks the first `node` on PATH for its executable and starts dist/index.js (main, then
      // post) with that: Node 24, as runs.using: node24 asks. The next step's `node` is the same.
      expect(run.nodeRuns[0]).toBe('--no-warnings -e console.log(process.execPath)');
      expect(run.seen.node).toMatch(/^v24\./);

      const outputs = JSON.parse(run.seen['outputs.json']!) as Record<string, string>;
      const sha = outputs.tags!.split('\n')[0]!.split(':').pop()!;
      // push defaults to true in action.yml: the tags were pushed.
      const served = await registry.manifestDigest('acme/api', sha);
      expect(outputs.digest).toBe(served);
      expect(await registry.manifestDigest('acme/api', 'latest')).toBe(served);
      expect(outputs.image).toBe(`${registry.host}/acme/api@${served}`);
      expect(outputs.imageid).toBe(pulledImageId(outputs.image!));
      expect(outputs.tags).toBe(
        `${registry.host}/acme/api:${sha}\n${registry.host}/acme/api:latest`,
      );
      // No token and no hosts: nothing to send or deploy, and the defaults do not invent either.
      expect(outputs['deploy-status']).toBe('skipped');
      expect(outputs['mail-status']).toBe('skipped');
      expect(JSON.parse(outputs.metadata!)).toMatchObject({
        digest: served,
        builder: BUILDER.buildx ? 'buildx' : 'docker',
      });

      // The job summary the runner collected from the step's file.
      expect(run.summaries).toHaveLength(1);
      expect(run.summaries[0]).toContain(served);
      expect(run.summaries[0]).toContain('acme/api');
    });

    it('a failing build fails the step; outputs and summary are still written; the post step still runs', async () => {
      const run = await ship('broken');
      expect(run.exitCode, run.log).not.toBe(0);
      expect(run.stepResult('ship', 'Main')).toBe('failure');
      // post-if: always() (also the runner's default) runs it after a failure too.
      expect(run.stepResult('ship', 'Post')).toBe('success');
      expect(run.seen.outcome).toBe('failure');
      const outputs = JSON.parse(run.seen['outputs.json']!) as Record<string, string>;
      // Nothing was pushed: no digest (an output never set reads as empty in an expression).
      expect(outputs.digest ?? '').toBe('');
      expect(outputs['deploy-status']).toBe('skipped');
      expect(run.summaries.join('\n')).toMatch(/build failed/);
      expect(run.log).toContain('this step fails');
    });
  },
);
