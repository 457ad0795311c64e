// The one place that runs the docker CLI. Arguments are always an array (no shell), and the
// combined output is kept so a failure can show docker's own last lines.
import { randomUUID } from 'node:crypto';
import { exec } from '@actions/exec';

const TAIL_LINES = 20;

export class DockerError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly logTail: string,
  ) {
    super(`docker ${command} failed with exit code ${exitCode}`);
    this.name = 'DockerError';
  }
}

/** The last lines of an output, without terminal colour codes (they are noise in a summary or email). */
export function lastLines(text: string, count = TAIL_LINES): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  return plain.trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * How docker's output reaches the log: `stream` as it comes, `after` in one block when the
 * command ends (for commands that run side by side), `none` for commands whose output is data.
 */
export type Echo = 'stream' | 'after' | 'none';

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

export interface DockerOptions {
  /** Written to docker's stdin (a password, never an argument). */
  input?: Buffer;
  echo?: Echo;
  /** Variables added to the step's environment for this command. */
  env?: Record<string, string>;
  /** Resolve with stdout alone, byte for byte (data such as a raw manifest), not the combined output. */
  stdoutOnly?: boolean;
}

/** Runs `docker …args`; resolves with its output, rejects with DockerError. */
export async function docker(args: string[], options: DockerOptions = {}): Promise<string> {
  const echo = options.echo ?? 'stream';
  const chunks: Buffer[] = [];
  const stdoutChunks: Buffer[] = [];
  const collect = (data: Buffer): void => {
    chunks.push(data);
  };
  const run = (): Promise<number> =>
    exec('docker', args, {
      ignoreReturnCode: true,
      silent: echo !== 'stream',
      input: options.input,
      // exec replaces the environment when given one, so extra variables are added to ours.
      env: options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined,
      listeners: {
        stdout: (data) => {
          collect(data);
          if (options.stdoutOnly) stdoutChunks.push(data);
        },
        stderr: collect,
      },
    });
  let exitCode: number;
  try {
    exitCode = echo === 'stream' ? await inert(run) : await run();
  } catch (error) {
    // exec rejects when the binary cannot be started at all (docker not installed).
    throw new DockerError(args[0] ?? '', 127, (error as Error).message);
  }
  const output = Buffer.concat(chunks).toString('utf8');
  if (echo === 'after') {
    await inert(async () => process.stdout.write(`[command]docker ${args.join(' ')}\n${output}`));
  }
  if (exitCode !== 0) {
    const command = args.slice(0, args[0] === 'buildx' ? 2 : 1).join(' ');
    throw new DockerError(command, exitCode, lastLines(output));
  }
  return options.stdoutOnly ? Buffer.concat(stdoutChunks).toString('utf8') : output;
}
