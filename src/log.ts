// What the step shows on the run's page besides the log lines: warnings, and the error that
// fails the step. Each passes the step's redaction, as the summary, the outputs and the email do:
// main sets it as soon as it knows the secrets. ESLint keeps `core.warning`/`core.setFailed`
// out of every other file.
import * as core from '@actions/core';

let redact: (text: string) => string = (text) => text;

export function setRedaction(redaction: (text: string) => string): void {
  redact = redaction;
}

export function warning(text: string): void {
  core.warning(redact(text));
}

/** Fails the step with `text` as its error: main.ts alone calls it, once. */
export function fail(text: string): void {
  core.setFailed(redact(text));
}
