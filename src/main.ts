// Runs the stages in order and is the only place that ends the step.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { buildAndPush } from './docker/stage.js';
import { chooseBuilder } from './docker/builder.js';
import { stopDockerCommands } from './docker/cli.js';
import { loadGitHubFacts } from './github.js';
import {
  type InputEnvironment,
  type Inputs,
  InputError,
  readInputs,
  SECRET_INPUTS,
} from './inputs/index.js';
import { stepOutputs } from './outputs.js';
import {
  isFailedTarget,
  type Report,
  type Stage,
  newReport,
  targetLabel,
  UNCONFIRMED_STATUSES,
} from './report.js';
import { fail, warning } from './log.js';
import {
  buildSecretValues,
  redactor,
  redactReport,
  secretTexts,
  setStepRedaction,
} from './redaction.js';
import { renderInputErrorSummary, renderSummary } from './summary.js';
import { createWorkspace, removeWorkspace, WORKSPACE_STATE } from './workspace.js';

/** How long a cancelled step waits for its stages to stop before it reports and exits. */
const CANCEL_GRACE_MS = 4000;

const filesystem: Omit<InputEnvironment, 'builder'> = {
  isDirectory: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false,
  isFile: (p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false,
  variables: process.env,
};

/** A secret file's text, to mask it; larger files are keys or archives nobody would log. */
function secretFileText(file: string): string | undefined {
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? Infinity;
  return size <= 65_536 ? readable(file) : undefined;
}

/** Masks in the log (the runner does) the texts of `values` not masked yet; returns all masked. */
function mask(values: string[], masked: string[] = []): string[] {
  const texts = secretTexts(values).filter((text) => !masked.includes(text));
  for (const text of texts) core.setSecret(text);
  return [...masked, ...texts];
}

function readable(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function writeSummary(markdown: string): Promise<void> {
  // Locally (no GITHUB_STEP_SUMMARY) there is nowhere to write it; that is not a failure. Nothing
  // to say (the build part turned off, nothing else happened) writes nothing.
  if (!process.env.GITHUB_STEP_SUMMARY || !markdown) return;
  await core.summary.addRaw(markdown).write();
}

/** The reasons the step fails, in the order the stages ran; later-stage errors the user chose to tolerate become warnings. */
function failures(inputs: Inputs, report: Report): string[] {
  const reasons: string[] = [];
  const failOrWarn = (reason: string, fail: boolean): void => {
    if (fail) reasons.push(reason);
    else warning(reason);
  };
  if (report.cancelled) {
    // What docker said when it was stopped is in the summary; the reason is the cancellation.
    reasons.push(`cancelled (${report.cancelled.signal}) during ${report.cancelled.stage}`);
    return reasons;
  }
  if (report.failure) {
    const tail = report.failure.logTail ? `\n${report.failure.logTail}` : '';
    reasons.push(`${report.failure.stage} failed: ${report.failure.message}${tail}`);
  }
  const targets = report.deploy?.targets ?? [];
  const failed = targets.filter((target) => isFailedTarget(target.status));
  if (failed.length > 0) {
    const where = failed.map((target) => `${targetLabel(target)} (${target.message})`).join(', ');
    failOrWarn(`deploy failed on ${where}`, inputs.deploy?.failOnError ?? true);
  }
  if (report.mail?.status === 'failed' || report.mail?.status === 'partial') {
    failOrWarn(
      `email ${report.mail.status}: ${report.mail.message}`,
      inputs.mail?.failOnError ?? true,
    );
  }
  // Neither sent nor failed for sure: resending could mail everyone twice.
  if (report.mail?.status === 'unknown') warning(`email unconfirmed: ${report.mail.message}`);
  for (const status of UNCONFIRMED_STATUSES) {
    const these = targets.filter((target) => target.status === status);
    if (these.length > 0)
      warning(
        `deploy ${status} on ${these.map((target) => `${targetLabel(target)} (${target.message})`).join(', ')}`,
      );
  }
  return reasons;
}

/**
 * A deploy or an email cut short by a cancellation: its request may have reached the hosts or
 * SendGrid, so it is reported as not confirmed rather than skipped.
 */
function recordInterruptedStage(report: Report, stage: Stage): void {
  if (stage === 'deploy' && !report.deploy)
    report.deploy = {
      status: 'unconfirmed',
      targets: [],
      reason: 'cancelled while asking the hosts and services to update: they may have updated',
    };
  if (stage === 'email' && !report.mail)
    report.mail = {
      status: 'unknown',
      recipients: [],
      messageIds: [],
      requests: 0,
      message: 'cancelled while sending: it may have been delivered',
    };
}

/** The main step: every stage, and the step's end, whatever happens. */
export async function run(): Promise<void> {
  try {
    await runStages();
  } catch (error) {
    // A bug, not a user error: still end the step with a message instead of a crash.
    fail(`build-push-notify: unexpected error: ${(error as Error).message}`);
  }
}

async function runStages(): Promise<void> {
  // Masked before anything else is read or logged.
  let masked = mask(SECRET_INPUTS.map((name) => core.getInput(name)));
  // The summary, outputs, email and annotations are not masked by the runner: they are redacted.
  let redact = redactor(masked);
  setStepRedaction(redact);

  const builder = chooseBuilder(process.env, {
    exists: fs.existsSync,
    read: readable,
    homedir: os.homedir(),
    platform: process.platform,
  });
  let inputs: Inputs;
  try {
    inputs = readInputs((name) => core.getInput(name, { trimWhitespace: false }), {
      ...filesystem,
      builder,
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    await writeSummary(redact(renderInputErrorSummary(error.problems)));
    fail(error.message);
    return;
  }

  // The values behind the build secrets, now that they are parsed: each line of a `secrets`
  // value, the variables `secret-envs` names, the files `secret-files` names.
  masked = mask(buildSecretValues(inputs.build.secrets, process.env, secretFileText), masked);
  redact = redactor(masked);
  setStepRedaction(redact);

  const report = newReport(inputs.build.tags, inputs.build.push, loadGitHubFacts());
  const workspace = createWorkspace(process.env, inputs.login?.registry);
  // Saved first, so that the post step removes the workspace if this step is killed.
  core.saveState(WORKSPACE_STATE, workspace.dir);
  // Every docker command of the step uses the step's own config (the login goes there).
  process.env.DOCKER_CONFIG = workspace.dockerConfig;

  let ending: Promise<void> | undefined;
  /** Reports what did happen and ends the step; once, whether the run ends or is cancelled. */
  const end = (): Promise<void> => (ending ??= endStep());
  const endStep = async (): Promise<void> => {
    if (report.cancelled) recordInterruptedStage(report, report.cancelled.stage);
    report.durationMs = Date.now() - report.startedAt.getTime();
    // On every way here (a cancel, a bug), before anything is made of the report.
    redactReport(report, redact);
    try {
      for (const [name, value] of Object.entries(stepOutputs(report)))
        core.setOutput(name, redact(value));
      await writeSummary(redact(renderSummary(report, { build: inputs.build.summary })));
    } finally {
      // The login is in the workspace: it goes even when the summary cannot be written.
      removeWorkspace(workspace.dir);
    }
    const reasons = failures(inputs, report);
    if (reasons.length > 0) fail(reasons.join('\n'));
  };
  let stage: Stage = 'build';
  const onSignal = (signal: NodeJS.Signals): void => {
    if (report.cancelled) {
      // The runner's second signal (SIGTERM 7.5 s after SIGINT): docker goes now, so does the step.
      stopDockerCommands(`the step was cancelled (${signal})`, { now: true });
      void end().finally(() => process.exit(1));
      return;
    }
    report.cancelled = { signal, stage };
    stopDockerCommands(`the step was cancelled (${signal})`);
    // The build half ends within the grace period once docker stops; a deploy or an email in
    // flight is not waited for, the runner kills the step 7.5 s after its SIGINT.
    setTimeout(() => void end().finally(() => process.exit(1)), CANCEL_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await buildAndPush(inputs, report, builder, workspace, (started) => (stage = started));
    if (report.cancelled && report.failure) report.cancelled.stage = report.failure.stage;
    if (inputs.deploy && !report.cancelled) {
      stage = 'deploy';
      const { deploy } = await import('./deploy/stage.js');
      report.deploy = await deploy(inputs.deploy, report, workspace.dir);
    }
    redactReport(report, redact);
    // The email reports the time until it is sent; the outputs, the whole step's.
    report.durationMs = Date.now() - report.startedAt.getTime();
    if (inputs.mail && !report.cancelled) {
      stage = 'email';
      const { notify } = await import('./notify/stage.js');
      report.mail = await notify(inputs.mail, report);
    }
  } finally {
    // Whatever happened, what did succeed is reported.
    await end();
  }
  // Reported and cleaned up: a connection still open (a proxy that never answered a request
  // given up on) must not keep the step running.
  process.exit();
}
