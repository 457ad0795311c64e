// The email stage: decides whether this run sends, builds the requests, sends them, and
// returns what happened. Never throws: a failure is a MailResult with status "failed".
import * as core from '@actions/core';
import type { MailInputs } from '../inputs/index.js';
import { type MailResult, type Report, overallStatus } from '../report.js';
import { placeholderValues, templateFacts } from './facts.js';
import { composeMessage } from './message.js';
import { buildMailRequests, recipientsOf } from './requests.js';

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

export async function notify(mail: MailInputs, report: Report): Promise<MailResult> {
  const skipped = skipReason(mail, report);
  if (skipped) {
    (mail.token ? core.info : core.warning)(`Email skipped: ${skipped}`);
    return { status: 'skipped', recipients: [], messageIds: [], requests: 0, message: skipped };
  }
  const message = composeMessage(mail, report);
  const templateData = {
    ...templateFacts(placeholderValues(report)),
    subject: message.subject,
    ...mail.templateData,
  };
  const requests = buildMailRequests(mail, message, templateData);
  const recipients = recipientsOf(requests);
  try {
    const { sendAll } = await import('./sendgrid.js');
    const results = await sendAll(mail, requests);
    const status = mail.sandbox ? 'sandboxed' : 'sent';
    core.info(
      `Email ${status} to ${recipients.length} recipient(s) in ${requests.length} request(s)`,
    );
    return {
      status,
      recipients,
      messageIds: results.map((r) => r.messageId).filter(Boolean),
      requests: requests.length,
      message: '',
    };
  } catch (error) {
    return {
      status: 'failed',
      recipients,
      messageIds: [],
      requests: requests.length,
      message: (error as Error).message,
    };
  }
}
