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
/** The Node the runner starts the action with (`runs.using: node24`), from scripts/tools.sh. */
export const NODE24 = path.join(ROOT, '.tmp', 'tools', 'bin', 'node');

/** Node 24's path; a clear failure when the set-up has not installed it. */
export function node24(): string {
  if (!fs.existsSync(NODE24))
    throw new Error(
      `${NODE24} is missing: run bash scripts/tools.sh (it installs Node 24 from npm)`,
    );
  return NODE24;
}

export const GITHUB_CONTEXT = {
  GITHUB_REPOSITORY: 'acme/api',
  GITHUB_SHA: '3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_ACTOR: 'octocat',
  GITHUB_RUN_ID: '4242',
  GITHUB_WORKFLOW: 'release',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_ACTION: 'ship',
  GITHUB_SERVER_URL: 'https://github.com',
};

/** The runner sends SIGTERM 7.5 s after SIGINT, and kills the process tree 2.5 s later. */
export const RUNNER_GRACE_MS = 7500;

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  durationMs: number;
  /** When the main step ended: performance.now(), the clock the test servers stamp requests with. */
  endedAt: number;
  /** Every text the run produced for people: the log, outputs file and summary. */
  everything: string;
  /** Files the run left in RUNNER_TEMP (it should leave none): after the post step, if it ran. */
  leftovers: string[];
  /** Files in RUNNER_TEMP when the main step had ended, before the post step. */
  leftoversAfterMain: string[];
  /** What the main step saved with core.saveState (the GITHUB_STATE file). */
  state: Record<string, string>;
  /** The post step, when asked for (`post: true`). */
  post?: { exitCode: number; stdout: string; stderr: string };
  /** When the interrupt was sent, in ms from the start of the main step. */
  interruptedAfterMs?: number;
  /** Peak resident memory of the node process (VmHWM), when asked for (`measureMemory: true`). */
  peakRssKb?: number;
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
  /**
   * Send `signal` once the log matches `when`, as the runner does when a run is cancelled
   * (SIGINT to the step's process). SIGKILL goes to the whole process tree, as the runner's last
   * resort does.
   */
  interrupt?: {
    when: RegExp;
    signal: NodeJS.Signals;
    /** A second signal this long after the first (the runner's SIGTERM comes 7.5 s after SIGINT). */
    again?: { signal: NodeJS.Signals; afterMs: number };
  };
  /** Then run the post step (`post:` in action.yml) with the saved state, as the runner does. */
  post?: boolean;
  /** Keep only this many bytes of the end of stdout (for runs that print hundreds of MB). */
  keepStdoutBytes?: number;
  measureMemory?: boolean;
}

/** The runner's file formats for GITHUB_OUTPUT and GITHUB_STATE: `name<<DELIMITER\nvalue\nDELIMITER`. */

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
  const stateFile = path.join(dir, 'state');
  fs.writeFileSync(stateFile, '');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  fs.writeFileSync(eventFile, JSON.stringify(options.event ?? {}));
  const inputEnv = Object.fromEntries(
    Object.entries(options.inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    // CI runs the tests as root with the runner user's Docker config (its buildx builders).
    ...(process.env.DOCKER_CONFIG && { DOCKER_CONFIG: process.env.DOCKER_CONFIG }),
    ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }),
    // The builder, chosen as a workflow would choose it.
    ...(options.builderEnv ?? BUILDER.env),
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_STATE: stateFile,
    ...GITHUB_CONTEXT,
    ...inputEnv,
    ...options.env,
  };
  const start = performance.now();
  const main = await runNode(options, env);
  const endedAt = performance.now();
  const durationMs = endedAt - start;
  const outputText = fs.readFileSync(outputFile, 'utf8');
  const summary = fs.readFileSync(summaryFile, 'utf8');
  const state = parseOutputFile(fs.readFileSync(stateFile, 'utf8'));
  const ours = new Set(['output', 'summary', 'event.json', 'state']);
  const leftoversNow = (): string[] => fs.readdirSync(dir).filter((name) => !ours.has(name));
  const leftoversAfterMain = leftoversNow();
  let post: ActionRun['post'];
  if (options.post) {
    // The runner gives the post step the main step's state as STATE_<name> variables.
    const stateEnv = Object.fromEntries(
      Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]),
    );
    post = await runNode(
      { ...options, interrupt: undefined, measureMemory: false },
      { ...env, ...stateEnv },
    );
  }
  const leftovers = leftoversNow();
  fs.rmSync(dir, { recursive: true, force: true });
  const { exitCode, stdout, stderr, peakRssKb, interruptedAfterMs } = main;
  return {
    leftoversAfterMain,
    state,
    post,
    peakRssKb,
    interruptedAfterMs,
    leftovers,
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary,
    durationMs,
    endedAt,
    everything: [stdout, stderr, outputText, summary, post?.stdout ?? '', post?.stderr ?? ''].join(
      '\n',
    ),
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

/**
 * SIGKILL to a process and all its descendants, found by parent id as the runner's last resort
 * (.NET's Process.Kill(entireProcessTree)) finds them, whatever process group they are in.
 */
function killTree(pid: number): void {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so read after the last ")".
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Ended meanwhile.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  for (const member of tree) {
    try {
      process.kill(member, 'SIGKILL');
    } catch {
      // Ended meanwhile.
    }
  }
}

interface NodeRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  peakRssKb: number | undefined;
  interruptedAfterMs: number | undefined;
}

/** Runs the bundle once (the main or the post step) and waits for it. */
async function runNode(options: RunOptions, env: Record<string, string>): Promise<NodeRun> {
  const child = spawn(node24(), [...(options.nodeArgs ?? []), BUNDLE], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const start = performance.now();
  let interruptedAfterMs: number | undefined;
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    if (
      options.interrupt &&
      interruptedAfterMs === undefined &&
      options.interrupt.when.test(stdout)
    ) {
      interruptedAfterMs = performance.now() - start;
      if (options.interrupt.signal === 'SIGKILL') killTree(child.pid!);
      else child.kill(options.interrupt.signal);
      const again = options.interrupt.again;
      if (again) setTimeout(() => child.kill(again.signal), again.afterMs);
    }
    const keep = options.keepStdoutBytes;
    if (keep && stdout.length > 2 * keep) stdout = stdout.slice(-keep);
  });
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  let peakRssKb: number | undefined;
  const memory = options.measureMemory
    ? setInterval(() => {
        // VmHWM: the highest resident set size the process has had, read while it lives.
        try {
          const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
          const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
          peakRssKb = Math.max(peakRssKb ?? 0, hwm);
        } catch {
          // The process has just ended.
        }
      }, 50)
    : undefined;
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  clearTimeout(timer);
  clearInterval(memory);
  return { exitCode, stdout, stderr, peakRssKb, interruptedAfterMs };
}
