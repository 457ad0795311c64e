// Runs the committed bundle the way the GitHub runner does: `node dist/index.js` with each input
// as an INPUT_<NAME> variable (upper-cased, hyphens kept), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, and the GITHUB_* context variables.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILDER } from './builders.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE = path.join(ROOT, 'dist', 'index.js');

export const GITHUB_CONTEXT = {
  GITHUB_REPOSITORY: 'acme/api',
  GITHUB_SHA: '3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_ACTOR: 'octocat',
  GITHUB_RUN_ID: '4242',
  GITHUB_WORKFLOW: 'release',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SERVER_URL: 'https://github.com',
};

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  durationMs: number;
  /** Every text the run produced for people: the log, outputs file and summary. */
  everything: string;
  /** Files the run left in RUNNER_TEMP (it should leave none). */
  leftovers: string[];
}

export interface RunOptions {
  inputs: Record<string, string>;
  env?: Record<string, string>;
  cwd?: string;
  /** Commit message and other event payload fields. */
  event?: Record<string, unknown>;
  timeoutMs?: number;
  /** Extra node flags, e.g. --cpu-prof for the benchmark. */
  nodeArgs?: string[];
  /** What selects the builder; default: the running vitest project's builder. `{}` lets the action choose. */
  builderEnv?: Record<string, string>;
  /** Send `signal` once the log matches `when`, as the runner does when a run is cancelled. */
  interrupt?: { when: RegExp; signal: NodeJS.Signals };
}

/** Parses the GITHUB_OUTPUT file format `name<<DELIMITER\nvalue\nDELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-run-'));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  const eventFile = path.join(dir, 'event.json');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  fs.writeFileSync(eventFile, JSON.stringify(options.event ?? {}));
  const inputEnv = Object.fromEntries(
    Object.entries(options.inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    // The builder, chosen as a workflow would choose it.
    ...(options.builderEnv ?? BUILDER.env),
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    ...GITHUB_CONTEXT,
    ...inputEnv,
    ...options.env,
  };
  const start = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BUNDLE], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    if (options.interrupt && !interrupted && options.interrupt.when.test(stdout)) {
      interrupted = true;
      child.kill(options.interrupt.signal);
    }
  });
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  clearTimeout(timer);
  const durationMs = performance.now() - start;
  const outputText = fs.readFileSync(outputFile, 'utf8');
  const summary = fs.readFileSync(summaryFile, 'utf8');
  const ours = new Set(['output', 'summary', 'event.json']);
  const leftovers = fs.readdirSync(dir).filter((name) => !ours.has(name));
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    leftovers,
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary,
    durationMs,
    everything: [stdout, stderr, outputText, summary].join('\n'),
  };
}

/** The `::error::` or `::warning::` annotations of a run, decoded the way the runner decodes them. */
export function annotations(run: ActionRun, kind: 'error' | 'warning'): string[] {
  const prefix = `::${kind}::`;
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) =>
      line.slice(prefix.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
    );
}

export function errorAnnotations(run: ActionRun): string[] {
  return annotations(run, 'error');
}
