// What the step shows on the run's page besides the log lines: warnings, and the error that
// fails the step. Each passes the step's redaction, as the summary, the outputs and the email do.
// ESLint keeps `core.warning`/`core.setFailed` out of every other file.
import * as core from '@actions/core';
import { redactForStep } from './redaction.js';
import { cutText, MESSAGE_LIMIT } from './text.js';

export function warning(text: string): void {
  core.warning(redactForStep(text));
}

/** Fails the step with `text` as its error, redacted, then cut to a size: main.ts alone calls it. */
export function fail(text: string): void {
  core.setFailed(cutText(redactForStep(text), MESSAGE_LIMIT));
}
