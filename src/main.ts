// Runs the stages in order and is the only place that ends the step.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { buildAndPush } from './docker/stage.js';
import { chooseBuilder } from './docker/builder.js';
import { loadGitHubFacts } from './github.js';
import {
  type InputEnvironment,
  type Inputs,
  InputError,
  readInputs,
  SECRET_INPUTS,
} from './inputs/index.js';
import { stepOutputs } from './outputs.js';
import { type Report, newReport } from './report.js';
import { buildSecretValues, redactor, redactReport, secretTexts } from './redaction.js';
import { renderInputErrorSummary, renderSummary } from './summary.js';

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
  // Locally (no GITHUB_STEP_SUMMARY) there is nowhere to write it; that is not a failure.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown).write();
}

/** The reasons the step fails, in the order the stages ran; later-stage errors the user chose to tolerate become warnings. */
function failures(inputs: Inputs, report: Report): string[] {
  const reasons: string[] = [];
  const failOrWarn = (reason: string, fail: boolean): void => {
    if (fail) reasons.push(reason);
    else core.warning(reason);
  };
  if (report.failure) {
    const tail = report.failure.logTail ? `\n${report.failure.logTail}` : '';
    reasons.push(`${report.failure.stage} failed: ${report.failure.message}${tail}`);
  }
  if (report.deploy?.status === 'failed' || report.deploy?.status === 'partial') {
    const failed = report.deploy.hosts.filter((host) => host.status === 'failed');
    const hosts = failed.map((host) => `${host.url} (${host.message})`).join(', ');
    failOrWarn(`deploy failed on ${hosts}`, inputs.deploy?.failOnError ?? true);
  }
  if (report.mail?.status === 'failed') {
    failOrWarn(`email failed: ${report.mail.message}`, inputs.mail?.failOnError ?? true);
  }
  return reasons;
}

export async function run(): Promise<void> {
  // Masked before anything else is read or logged.
  let masked = mask(SECRET_INPUTS.map((name) => core.getInput(name)));
  // The summary, outputs and email are not masked by the runner: they are redacted.
  let redact = redactor(masked);

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
    core.setFailed(redact(error.message));
    return;
  }

  // The values behind the build secrets, now that they are parsed: each line of a `secrets`
  // value, the variables `secret-envs` names, the files `secret-files` names.
  masked = mask(buildSecretValues(inputs.build.secrets, process.env, secretFileText), masked);
  redact = redactor(masked);

  const report = newReport(inputs.build.tags, inputs.build.push, await loadGitHubFacts());
  try {
    await buildAndPush(inputs, report, builder);
    if (inputs.deploy) {
      const { deploy } = await import('./deploy/stage.js');
      report.deploy = await deploy(inputs.deploy, report);
    }
    redactReport(report, redact);
    // The email reports the time until it is sent; the outputs below, the whole step's.
    report.durationMs = Date.now() - report.startedAt.getTime();
    if (inputs.mail) {
      const { notify } = await import('./notify/stage.js');
      report.mail = await notify(inputs.mail, report);
      redactReport(report, redact);
    }
  } finally {
    // Whatever happened, what did succeed is reported.
    report.durationMs = Date.now() - report.startedAt.getTime();
    for (const [name, value] of Object.entries(stepOutputs(report)))
      core.setOutput(name, redact(value));
    await writeSummary(redact(renderSummary(report)));
  }

  const reasons = failures(inputs, report);
  if (reasons.length > 0) core.setFailed(redact(reasons.join('\n')));
}
