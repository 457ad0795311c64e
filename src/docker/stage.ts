// The build half: log in, build, push, read the digest, log out. Records what happened in the
// report; a failure is recorded too (with docker's last lines) and ends the build half.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Inputs } from '../inputs/index.js';
import type { Report } from '../report.js';
import { type BuildFiles, defaultLabels, loginArgs, logoutArgs } from './args.js';
import type { BuilderChoice } from './builder.js';
import { buildWithBuildx } from './buildx.js';
import { buildClassic, pushTags } from './classic.js';
import { docker } from './cli.js';
import { inStage, type StageError } from './steps.js';

/**
 * The step's own folder under RUNNER_TEMP (mode 0700): the files docker writes back, and the
 * secret values, each in a file of mode 0600 that docker reads (never on a command line).
 */
function prepareFiles(workDir: string, inputs: Inputs): BuildFiles {
  const secretFiles: Record<string, string> = {};
  for (const [i, secret] of inputs.build.secrets.entries()) {
    if (!('value' in secret)) continue;
    secretFiles[secret.id] = path.join(workDir, `secret-${i}`);
    fs.writeFileSync(secretFiles[secret.id]!, secret.value, { mode: 0o600 });
  }
  return {
    iidFile: path.join(workDir, 'iid'),
    metadataFile: path.join(workDir, 'metadata.json'),
    secretFiles,
  };
}

/** Login, build, push, logout. Never throws: a failure is recorded in `report.failure`. */
export async function buildAndPush(
  inputs: Inputs,
  report: Report,
  builder: BuilderChoice,
): Promise<void> {
  const workDir = fs.mkdtempSync(
    path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'build-push-notify-'),
  );
  const removeWorkDir = (): void => fs.rmSync(workDir, { recursive: true, force: true });
  // A cancelled run (the runner sends SIGINT, then SIGTERM) never reaches `finally`: the secret
  // files go first, then the signal takes its course.
  const onSignal = (signal: NodeJS.Signals): void => {
    removeWorkDir();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const login = inputs.login;
  let loggedIn = false;
  try {
    const files = prepareFiles(workDir, inputs);
    if (login) {
      await inStage('login', () =>
        docker(loginArgs(login.registry, login.username), { input: Buffer.from(login.password) }),
      );
      loggedIn = true;
    }
    const facts = report.github;
    const labels = defaultLabels(inputs.build.labels, {
      repositoryUrl: facts?.repositoryUrl ?? '',
      sha: facts?.sha ?? '',
      created: facts?.commitTime ?? report.startedAt,
    });
    await inStage('build', () =>
      builder.kind === 'buildx'
        ? buildWithBuildx(inputs, report, files, labels, inputs.build.builder || builder.name)
        : buildClassic(inputs, report, files, labels),
    );
    if (inputs.build.push && !report.push)
      await inStage('push', () => pushTags(inputs.build.tags, report));
  } catch (error) {
    const failure = error as StageError;
    report.failure = { stage: failure.stage, message: failure.message, logTail: failure.logTail };
  } finally {
    if (loggedIn) {
      await docker(logoutArgs(login!.registry)).catch((error: Error) =>
        core.warning(
          `docker logout failed, credentials may remain in the Docker config: ${error.message}`,
        ),
      );
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removeWorkDir();
  }
}
