// `npm run bench:deps`: what @actions/github and @actions/exec would cost the action, for the
// README's "Dependencies". A minimal action (read one input with @actions/core, as bench/floor),
// and the same importing each of the two, installed from npm into bench/.out/deps (they are not
// dependencies of the project), bundled with dist/'s ncc flags and started with Node 24 in a bare
// environment, interleaved, medians.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node24, ROOT } from '../__tests__/helpers/action.js';

const ROUNDS = Number(process.env.BENCH_REPS ?? 31);
const DIR = path.join(ROOT, 'bench', '.out', 'deps');
const CORE = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies['@actions/core']!;
/** The versions measured; the newest when this was written. */
const PACKAGES = [`@actions/core@${CORE}`, '@actions/github@9.1.1', '@actions/exec@3.0.0'];

const ENTRIES: Record<string, string> = {
  F: "import * as core from '@actions/core';\ncore.getInput('tags');\n",
  'F + @actions/github':
    "import * as core from '@actions/core';\nimport * as github from '@actions/github';\ncore.getInput('tags');\nvoid github.context.sha;\n",
  'F + @actions/exec':
    "import * as core from '@actions/core';\nimport * as exec from '@actions/exec';\ncore.getInput('tags');\nvoid exec.getExecOutput;\n",
};

fs.rmSync(DIR, { recursive: true, force: true });
fs.mkdirSync(path.join(DIR, 'src'), { recursive: true });
fs.writeFileSync(path.join(DIR, 'package.json'), '{ "private": true, "type": "module" }\n');
process.stderr.write(`bench:deps: installing ${PACKAGES.join(', ')}\n`);
execFileSync(
  'npm',
  ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', ...PACKAGES],
  { cwd: DIR, stdio: 'ignore' },
);
const bundles = Object.fromEntries(
  Object.entries(ENTRIES).map(([name, source], i) => {
    const entry = path.join(DIR, 'src', `entry-${i}.js`);
    const out = path.join(DIR, `out-${i}`);
    fs.writeFileSync(entry, source);
    execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'ncc'),
      ['build', entry, '-o', out, '--target', 'es2022', '--no-cache', '--quiet'],
      { stdio: 'ignore' },
    );
    return [name, path.join(out, 'index.js')];
  }),
);

const node = node24();
const env = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', INPUT_TAGS: 'x' };
const runs: Record<string, string[]> = {
  ...Object.fromEntries(Object.entries(bundles).map(([name, file]) => [name, [file]])),
  'node -e 0': ['-e', '0'],
};
const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(runs).map((name) => [name, []]),
);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, args] of Object.entries(runs)) {
    const start = performance.now();
    const result = spawnSync(node, args, { env, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}`);
    samples[name]!.push(performance.now() - start);
  }
}
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
console.log(
  `bench:deps, ${new Date().toISOString()}, node ${version}, ${ROUNDS} interleaved rounds, medians (${PACKAGES.join(', ')})\n`,
);
console.log('| Bundle | Size | Start-up |\n| --- | --- | --- |');
for (const name of Object.keys(runs)) {
  const file = bundles[name];
  const size = file ? `${fs.statSync(file).size} bytes` : '';
  console.log(`| ${name} | ${size} | ${median(samples[name]!).toFixed(1)} ms |`);
}
