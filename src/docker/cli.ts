// The one place that runs the docker CLI. Arguments are always an array (no shell), and the
// combined output is kept so a failure can show docker's own last lines.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

/** Runs `docker …args`; resolves with its combined output, rejects with DockerError. */
export async function docker(
  args: string[],
  options: { input?: Buffer; echo?: Echo } = {},
): Promise<string> {
  const echo = options.echo ?? 'stream';
  const chunks: Buffer[] = [];
  const collect = (data: Buffer): void => {
    chunks.push(data);
  };
  const run = (): Promise<number> =>
    exec('docker', args, {
      ignoreReturnCode: true,
      silent: echo !== 'stream',
      input: options.input,
      listeners: { stdout: collect, stderr: collect },
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
  return output;
}

/** Where the docker CLI looks for plugins (docker/cli, cli-plugins/manager): the user's folder first. */
export function pluginFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const configDir = env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  return process.platform === 'win32'
    ? [
        path.join(configDir, 'cli-plugins'),
        path.join(env.ProgramData ?? 'C:\\ProgramData', 'Docker', 'cli-plugins'),
      ]
    : [
        path.join(configDir, 'cli-plugins'),
        '/usr/local/lib/docker/cli-plugins',
        '/usr/local/libexec/docker/cli-plugins',
        '/usr/lib/docker/cli-plugins',
        '/usr/libexec/docker/cli-plugins',
      ];
}

/**
 * Whether to build with buildx: its CLI plugin is in one of the plugin folders (a few stat calls
 * instead of a docker process), and DOCKER_BUILDKIT=0, docker's own switch for the classic
 * builder, is not set.
 */
export function useBuildx(
  env: NodeJS.ProcessEnv = process.env,
  folders = pluginFolders(env),
): boolean {
  if (env.DOCKER_BUILDKIT === '0') return false;
  const name = process.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx';
  return folders.some((folder) => fs.existsSync(path.join(folder, name)));
}
