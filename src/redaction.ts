// Last line of defence for secrets: the runner masks what core.setSecret registered in the log,
// but not in the summary, the outputs or an email. Text from outside (docker's output, server
// answers) is passed through this before it reaches any of them.
import type { BuildSecret } from './inputs/secrets.js';
import type { Report } from './report.js';

/** A PEM armor line (`-----BEGIN CERTIFICATE-----`): the same in every PEM text, so no secret. */
const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/**
 * The texts to hide for secret values: each value, and each line of a multi-line one (a log line
 * shows one line of it) but a PEM armor line, which would hide every certificate's header.
 */
export function secretTexts(values: string[]): string[] {
  const texts = values.flatMap((value) => [value, ...value.split(/\r?\n/)]);
  return [
    ...new Set(
      texts.map((text) => text.trim()).filter((text) => text.length >= 3 && !PEM_ARMOR.test(text)),
    ),
  ];
}

/** The values behind build secrets: literal values, the variables' values, the files' contents. */
export function buildSecretValues(
  secrets: BuildSecret[],
  variables: Record<string, string | undefined>,
  readText: (file: string) => string | undefined,
): string[] {
  return secrets.flatMap((secret) => {
    const value =
      'value' in secret
        ? secret.value
        : 'variable' in secret
          ? variables[secret.variable]
          : readText(secret.file);
    return value ? [value] : [];
  });
}

export function redactor(secrets: string[]): (text: string) => string {
  const values = secrets.filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
  return (text) => values.reduce((result, secret) => result.split(secret).join('***'), text);
}

/** Redacts the free text in a report: failure messages, docker's output, what deploy targets said. */
export function redactReport(report: Report, redact: (text: string) => string): void {
  if (report.failure) {
    report.failure.message = redact(report.failure.message);
    report.failure.logTail = redact(report.failure.logTail);
  }
  for (const target of report.deploy?.targets ?? []) target.message = redact(target.message);
  if (report.mail) report.mail.message = redact(report.mail.message);
}
