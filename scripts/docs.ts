// Generated parts of the README: the inputs and outputs tables (from action.yml) and the
// "Failure behaviour" table (from the hostile suite's fault table) and the reproducibility table
// (from what the e2e suite measures on each builder). `npm run docs` rewrites
// them; __tests__/unit/readme.test.ts fails when the README has drifted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderRebuildTable } from '../__tests__/e2e/reproducibility-cases.js';
import { renderFailureTable } from '../__tests__/hostile/fault-cases.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(ROOT, 'README.md');

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}

export function readActionYaml(): ActionYaml {
  return parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYaml;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function inputsTable(action: ActionYaml): string {
  const rows = Object.entries(action.inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${cell(input.description)} | ${input.default === undefined ? '' : `\`${input.default}\``} |`,
  );
  return ['| Input | Description | Default |', '| --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable(action: ActionYaml): string {
  const rows = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

export function generatedBlocks(): Record<string, string> {
  const action = readActionYaml();
  return {
    inputs: inputsTable(action),
    outputs: outputsTable(action),
    failures: renderFailureTable(),
    reproducibility: renderRebuildTable(),
  };
}

/** The README with every `<!-- NAME:start -->…<!-- NAME:end -->` block regenerated. */
export function regenerate(readme: string): string {
  let text = readme;
  for (const [name, block] of Object.entries(generatedBlocks())) {
    const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!pattern.test(text))
      throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> block`);
    text = text.replace(
      pattern,
      (_, start: string, end: string) => `${start}\n\n${block}\n\n${end}`,
    );
  }
  return text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  fs.writeFileSync(README, regenerate(fs.readFileSync(README, 'utf8')));
  console.log('README.md: generated tables updated');
}
