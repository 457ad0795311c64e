// The email stage: decides whether this run sends, builds the requests, sends them, and
// returns what happened, request by request. Never throws: a failure is a MailResult.
import * as core from '@actions/core';
import type { MailInputs } from '../inputs/index.js';
import { type MailResult, type MailStatus, type Report, overallStatus } from '../report.js';
import type { RequestOutcome } from './sendgrid.js';
import { placeholderValues, templateFacts } from './facts.js';
import { composeMessage } from './message.js';
import { buildMailRequests, recipientsOf } from './requests.js';
import { warning } from '../log.js';
import { redactForStep, redactStrings } from '../redaction.js';

/** Why this run sends no email, or undefined when it does. */
export function skipReason(mail: MailInputs, report: Report): string | undefined {
  const status = overallStatus(report);
  if (mail.notifyOn === 'never') return 'notify-on is never';
  if (mail.notifyOn === 'success' && status !== 'success')
    return 'notify-on is success and the run failed';
  if (mail.notifyOn === 'failure' && status !== 'failure')
    return 'notify-on is failure and the run succeeded';
  if (!mail.token) return 'sendgrid-token is empty (pull requests from forks get no secrets)';
  return undefined;
}

/**
 * Sends the email for this run. Every text in it (subject, text, HTML, template data) passes the
 * step's redaction, however a secret got there.
 */
export async function notify(mail: MailInputs, report: Report): Promise<MailResult> {
  const skipped = skipReason(mail, report);
  if (skipped) {
    if (mail.token) core.info(`Email skipped: ${skipped}`);
    else warning(`Email skipped: ${skipped}`);
    return { status: 'skipped', recipients: [], messageIds: [], requests: 0, message: skipped };
  }
  const message = composeMessage(mail, report, redactForStep);
  const templateData = redactStrings(
    {
      ...templateFacts(placeholderValues(report)),
      subject: message.subject,
      ...structuredClone(mail.templateData),
    },
    redactForStep,
  );
  const requests = buildMailRequests(mail, message, templateData);
  const recipients = recipientsOf(requests);
  let outcomes: RequestOutcome[];
  try {
    const { sendAll } = await import('./sendgrid.js');
    outcomes = await sendAll(mail, requests);
  } catch (error) {
    outcomes = requests.map(() => ({ kind: 'failed', message: (error as Error).message }));
  }
  const status = mailStatus(
    outcomes.map((outcome) => outcome.kind),
    mail.sandbox,
  );
  const messageIds = outcomes.flatMap((outcome) =>
    outcome.kind === 'accepted' && outcome.messageId ? [outcome.messageId] : [],
  );
  // Which requests did not go through, and who they were for.
  const problems = outcomes.flatMap((outcome, i) => {
    if (outcome.kind === 'accepted') return [];
    if (requests.length === 1) return [outcome.message];
    const count = recipientsOf([requests[i]!]).length;
    return [`request ${i + 1} of ${requests.length} (${count} recipients): ${outcome.message}`];
  });
  const accepted = outcomes.filter((outcome) => outcome.kind === 'accepted').length;
  core.info(
    `Email ${status}: ${recipients.length} recipient(s) in ${requests.length} request(s), ${accepted} accepted`,
  );
  return {
    status,
    recipients,
    messageIds,
    requests: requests.length,
    message: problems.join('\n'),
  };
}

/**
 * The email's status from each request's outcome: `sent` only when every request was accepted;
 * `partial` when some were accepted or got no answer (may have been delivered) and others failed
 * for sure; `unknown` when none failed for sure but some got no answer.
 */
export function mailStatus(kinds: RequestOutcome['kind'][], sandbox: boolean): MailStatus {
  const accepted = kinds.filter((kind) => kind === 'accepted').length;
  const failed = kinds.filter((kind) => kind === 'failed').length;
  if (failed === 0 && accepted === kinds.length) return sandbox ? 'sandboxed' : 'sent';
  if (failed === 0) return 'unknown';
  return failed === kinds.length ? 'failed' : 'partial';
}
