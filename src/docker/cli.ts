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

/** Runs `docker …args`; resolves with its combined output, rejects with DockerError. */
export async function docker(
  args: string[],
  options: { input?: Buffer; quiet?: boolean } = {},
): Promise<string> {
  const chunks: Buffer[] = [];
  const collect = (data: Buffer): void => {
    chunks.push(data);
  };
  // docker's output includes whatever the Dockerfile's RUN steps print; the runner must not
  // execute workflow commands (::add-mask::, ::set-output::…) hidden in it.
  const resume = randomUUID();
  if (!options.quiet) process.stdout.write(`::stop-commands::${resume}\n`);
  let exitCode: number;
  try {
    exitCode = await exec('docker', args, {
      ignoreReturnCode: true,
      silent: options.quiet ?? false,
      input: options.input,
      listeners: { stdout: collect, stderr: collect },
    });
  } catch (error) {
    // exec rejects when the binary cannot be started at all (docker not installed).
    throw new DockerError(args[0] ?? '', 127, (error as Error).message);
  } finally {
    if (!options.quiet) process.stdout.write(`::${resume}::\n`);
  }
  const output = Buffer.concat(chunks).toString('utf8');
  if (exitCode !== 0)
    throw new DockerError(
      args.slice(0, args[0] === 'buildx' ? 2 : 1).join(' '),
      exitCode,
      lastLines(output),
    );
  return output;
}

/**
 * Whether the buildx CLI plugin is installed, found the way the docker CLI finds plugins
 * (docker/cli, cli-plugins/manager): a file in the user's or the system's cli-plugins folders.
 * Looking costs a few stat calls instead of a docker process.
 */
export function buildxInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  const configDir = env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  const name = process.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx';
  const folders =
    process.platform === 'win32'
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
  return folders.some((folder) => fs.existsSync(path.join(folder, name)));
}
