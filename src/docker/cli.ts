// The one place that runs the docker CLI. Arguments are always an array (no shell). docker's
// output streams to the log; only a bounded tail of it is kept (for a failure report), so memory
// stays flat however much a build prints. Running commands can be stopped when the step is
// cancelled, which is why this spawns docker itself (@actions/exec gives no handle on the child).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { LineTail } from './output.js';
import { redactForStep } from '../redaction.js';

/** Stdout kept for a command whose output is data (a manifest, JSON): far above any real one. */
const CAPTURE_LIMIT = 8 * 1024 * 1024;
/** What a side-by-side command (echo `after`) prints once it ends: its last lines. */
const AFTER_LINES = 200;
const AFTER_LINE_CHARS = 2000;
/** How long a stopped docker command gets to cancel its build or push before it is killed. */
const STOP_GRACE_MS = 2000;

export class DockerError extends Error {
  /** docker's last lines, then what the step says about how it ended (for a failure report). */
  readonly logTail: string;

  constructor(
    readonly command: string,
    readonly exitCode: number,
    /** docker's own last lines. */
    readonly output: string,
    /**
     * How it ended: by itself, stopped because the step was cancelled (or never started once it
     * was), or stopped after `timeoutMs`.
     */
    readonly ending: 'exit' | 'stopped' | 'not-started' | 'timeout' = 'exit',
    note = '',
  ) {
    super(`docker ${command} failed with exit code ${exitCode}`);
    this.name = 'DockerError';
    this.logTail = [output, note].filter(Boolean).join('\n');
  }
}

/**
 * How docker's output reaches the log: `stream` as it comes, `after` in one block when the
 * command ends (for commands that run side by side), `none` for commands whose output is data.
 */
export type Echo = 'stream' | 'after' | 'none';

export interface DockerOptions {
  /** Written to docker's stdin (a password, never an argument). */
  input?: Buffer;
  echo?: Echo;
  /** Variables added to the step's environment for this command. */
  env?: Record<string, string>;
  /** Resolve with stdout, byte for byte (data such as a raw manifest); otherwise with ''. */
  capture?: boolean;
  /** Called with each line of output as it comes (cut like the tail), to find e.g. a digest. */
  onLine?: (line: string) => void;
  /** Stops the command (as a cancel does) when it runs longer than this. */
  timeoutMs?: number;
}

const running = new Set<ChildProcess>();
let stoppedBy: string | undefined;

/**
 * Stops every running docker command and refuses to start more. Each runs in a process group of
 * its own, which gets SIGINT as a terminal's Ctrl-C would send it: docker and its plugins (buildx
 * is a process of its own under docker) cancel the build or push. SIGKILL follows if the group
 * is still there after a grace period.
 */
export function stopDockerCommands(reason: string, options: { now?: boolean } = {}): void {
  stoppedBy = reason;
  for (const child of running) {
    // With no grace left (the step is about to exit), nothing may outlive it.
    if (options.now) signalGroup(child, 'SIGKILL');
    else interrupt(child);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group has ended.
  }
}

/** Ctrl-C for the command's group, then SIGKILL if it is still there after a grace period. */
function interrupt(child: ChildProcess): void {
  signalGroup(child, 'SIGINT');
  setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS).unref();
}

/**
 * Wraps output in a stop-commands block: docker's output includes whatever the Dockerfile's RUN
 * steps print, and the runner must not execute a workflow command (`::add-mask::`…) hidden in it.
 */
async function inert<T>(print: () => Promise<T>): Promise<T> {
  const resume = randomUUID();
  process.stdout.write(`::stop-commands::${resume}\n`);
  try {
    return await print();
  } finally {
    process.stdout.write(`::${resume}::\n`);
  }
}

/** Runs `docker …args`; resolves with its stdout when `capture` is set, rejects with DockerError. */
export async function docker(args: string[], options: DockerOptions = {}): Promise<string> {
  const echo = options.echo ?? 'stream';
  const command = args.slice(0, args[0] === 'buildx' ? 2 : 1).join(' ');
  if (stoppedBy)
    throw new DockerError(command, 130, '', 'not-started', `not started: ${stoppedBy}`);
  const tail = new LineTail(undefined, undefined, options.onLine, redactForStep);
  const after =
    echo === 'after'
      ? new LineTail(AFTER_LINES, AFTER_LINE_CHARS, undefined, redactForStep)
      : undefined;
  const captured: Buffer[] = [];
  let capturedBytes = 0;
  let timedOut = false;

  const run = (): Promise<number> =>
    new Promise((resolve, reject) => {
      if (echo === 'stream') process.stdout.write(`[command]docker ${args.join(' ')}\n`);
      const child = spawn('docker', args, {
        // Extra variables are added to the step's environment, not put in its place.
        env: options.env ? { ...process.env, ...options.env } : process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        // A process group of its own, so that stopDockerCommands reaches buildx under docker.
        detached: true,
      });
      running.add(child);
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              interrupt(child);
            }, options.timeoutMs);
      const follow = (stream: NodeJS.ReadableStream, isStdout: boolean): void => {
        const decoder = new StringDecoder('utf8');
        stream.on('data', (data: Buffer) => {
          // Data (a manifest, JSON) is not a log line: it is kept whole, out of the tail.
          if (isStdout && options.capture) {
            capturedBytes += data.length;
            if (capturedBytes <= CAPTURE_LIMIT) captured.push(data);
            return;
          }
          const text = decoder.write(data);
          tail.push(text);
          after?.push(text);
          // A slow log reader holds docker back instead of filling this process's memory.
          if (echo === 'stream' && !process.stdout.write(data)) {
            stream.pause();
            process.stdout.once('drain', () => stream.resume());
          }
        });
        stream.on('end', () => {
          const rest = decoder.end();
          tail.push(rest);
          after?.push(rest);
        });
      };
      follow(child.stdout, true);
      follow(child.stderr, false);
      child.on('error', (error) => {
        running.delete(child);
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        running.delete(child);
        clearTimeout(timer);
        resolve(code ?? (signal ? 128 : 1));
      });
      child.stdin.on('error', () => {}); // docker may exit before reading its input
      child.stdin.end(options.input);
    });

  let exitCode: number;
  try {
    exitCode = echo === 'stream' ? await inert(run) : await run();
  } catch (error) {
    // spawn fails when the binary cannot be started at all (docker not installed).
    throw new DockerError(command, 127, (error as Error).message);
  }
  tail.end();
  if (after) {
    after.end();
    const text = after.text();
    await inert(async () =>
      process.stdout.write(`[command]docker ${args.join(' ')}\n${text ? `${text}\n` : ''}`),
    );
  }
  // A stopped command proves nothing, whatever its exit code (classic `docker build` can exit 0
  // when its build is cancelled).
  if (stoppedBy)
    throw new DockerError(
      command,
      exitCode || 130,
      tail.text(),
      'stopped',
      `stopped: ${stoppedBy}`,
    );
  if (timedOut)
    throw new DockerError(
      command,
      exitCode || 124,
      tail.text(),
      'timeout',
      `stopped after ${options.timeoutMs! / 1000} s`,
    );
  if (exitCode !== 0) throw new DockerError(command, exitCode, tail.text());
  if (capturedBytes > CAPTURE_LIMIT)
    throw new DockerError(command, 0, `printed more than ${CAPTURE_LIMIT} bytes of data`);
  return options.capture ? Buffer.concat(captured).toString('utf8') : '';
}
