// The build half: log in, build, push, read the digest. Records what happened in the report; a
// failure is recorded too (with docker's last lines) and ends the build half.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Inputs } from '../inputs/index.js';
import type { Report, Stage } from '../report.js';
import { type BuildFiles, defaultLabels, loginArgs } from './args.js';
import type { BuilderChoice } from './builder.js';
import { buildWithBuildx } from './buildx.js';
import { buildClassic, pushTags } from './classic.js';
import { docker } from './cli.js';
import { inStage, type StageError } from './steps.js';
import type { Workspace } from '../workspace.js';

/**
 * In the step's workspace: the files docker writes back, and the secret values, each in a file
 * of mode 0600 that docker reads (never on a command line).
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

/**
 * Login, build, push. Never throws: a failure is recorded in `report.failure`. There is no
 * logout: the login lives in the step's own Docker config, which is deleted with the workspace.
 */
export async function buildAndPush(
  inputs: Inputs,
  report: Report,
  builder: BuilderChoice,
  workspace: Workspace,
  onStage: (stage: Stage) => void = () => {},
): Promise<void> {
  const login = inputs.login;
  // Each stage is announced as it starts, so a cancellation can say which one it cut short.
  const stage = <T>(name: Stage, step: () => Promise<T>): Promise<T> => {
    onStage(name);
    return inStage(name, step);
  };
  try {
    const files = prepareFiles(workspace.dir, inputs);
    if (login) {
      await stage('login', () =>
        docker(loginArgs(login.registry, login.username), { input: Buffer.from(login.password) }),
      );
    }
    const facts = report.github;
    const labels = defaultLabels(inputs.build.labels, {
      repositoryUrl: facts?.repositoryUrl ?? '',
      sha: facts?.sha ?? '',
      created: facts?.commitTime ?? report.startedAt,
    });
    await stage('build', () =>
      builder.kind === 'buildx'
        ? buildWithBuildx(inputs, report, files, labels, inputs.build.builder || builder.name)
        : buildClassic(inputs, report, files, labels),
    );
    if (inputs.build.push && !report.push)
      await stage('push', () => pushTags(inputs.build.tags, report));
  } catch (error) {
    const failure = error as StageError;
    report.failure = { stage: failure.stage, message: failure.message, logTail: failure.logTail };
  }
}
