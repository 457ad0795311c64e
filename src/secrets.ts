// Last line of defence for secrets: the runner masks what core.setSecret registered in the log,
// but not in the summary, the outputs or an email. Text from outside (docker's output, server
// answers) is passed through this before it reaches any of them.
import type { Report } from './report.js';

export function redactor(secrets: string[]): (text: string) => string {
  const values = secrets.filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
  return (text) => values.reduce((result, secret) => result.split(secret).join('***'), text);
}

/** Redacts the free text in a report: failure messages, docker's output, host answers. */
export function redactReport(report: Report, redact: (text: string) => string): void {
  if (report.failure) {
    report.failure.message = redact(report.failure.message);
    report.failure.logTail = redact(report.failure.logTail);
  }
  for (const host of report.deploy?.hosts ?? []) host.message = redact(host.message);
  if (report.mail) report.mail.message = redact(report.mail.message);
}
