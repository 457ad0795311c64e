// The email inputs: recipients, content, template and SendGrid settings.
import { type Address, parseAddress, parseAddressList } from '../notify/address.js';
import { unknownPlaceholders, PLACEHOLDERS } from '../notify/placeholders.js';
import { MAX_RECIPIENTS_PER_REQUEST } from '../notify/requests.js';
import type { Checker } from './checker.js';

export type NotifyOn = 'always' | 'success' | 'failure' | 'never';

export interface MailInputs {
  /** Empty when the workflow has no secret (fork pull requests): the email is skipped. */
  token: string;
  to: Address[];
  from: Address;
  cc: Address[];
  bcc: Address[];
  replyTo: Address | undefined;
  subject: string;
  text: string;
  html: string;
  templateId: string;
  templateData: Record<string, unknown>;
  notifyOn: NotifyOn;
  individual: boolean;
  apiUrl: string;
  sandbox: boolean;
  failOnError: boolean;
  timeoutSeconds: number;
}

const NOTIFY_ON: readonly NotifyOn[] = ['always', 'success', 'failure', 'never'];
const DEFAULT_SENDGRID_URL = 'https://api.sendgrid.com';

function readAddresses(c: Checker, name: string, separator = ''): Address[] {
  return c.attempt(name, () => parseAddressList(c.text(name), separator)) ?? [];
}

/**
 * Recipients (to, cc, bcc): SendGrid documents that their names cannot include `,` or `;`, and
 * answers 202 then drops such a message. Quoting the name is an undocumented workaround that
 * has shown the quotes to readers, so such a name is an input error.
 */
function readRecipients(c: Checker, name: string, separator = ''): Address[] {
  const addresses = readAddresses(c, name, separator);
  for (const address of addresses) {
    if (address.name && /[,;]/.test(address.name))
      c.fail(
        name,
        `the name "${address.name}" of ${address.email} contains "," or ";", which SendGrid does not accept in recipient names (the message would be dropped): write it without them`,
      );
  }
  return addresses;
}

export function readMail(c: Checker): MailInputs | undefined {
  const token = c.value('sendgrid-token');
  const recipients = c.text('mail');
  if (!recipients.trim() && !token) return undefined;

  // mmichailidis/sendgrid-mail-action's separator of `mail` (only `mail`: it had no cc or bcc).
  const to = readRecipients(c, 'mail', c.value('splitterator'));
  if (!recipients.trim())
    c.fail('mail', 'at least one recipient is required when "sendgrid-token" is set');
  const fromRaw = c.value('from');
  if (!fromRaw)
    c.fail(
      'from',
      'a sender verified in your SendGrid account is required to send email (mmichailidis/sendgrid-mail-action defaulted it to sendgridmailaction@github.com, which SendGrid rejects: nobody can verify that address)',
    );
  const from = fromRaw ? c.attempt('from', () => parseAddress(fromRaw)) : undefined;
  const replyToRaw = c.value('reply-to');
  const replyTo = replyToRaw ? c.attempt('reply-to', () => parseAddress(replyToRaw)) : undefined;

  const subject = c.value('subject');
  if (/[\r\n]/.test(subject)) c.fail('subject', 'must be one line (no line breaks)');
  const text = c.text('text');
  const html = c.text('html');
  const templateId = c.value('template-id');
  // SendGrid's client treats only a lowercase "d-" as dynamic: with "D-" the template data is
  // silently dropped.
  if (templateId && !/^d-[0-9a-f]{32}$/.test(templateId)) {
    c.fail(
      'template-id',
      `"${templateId}" is not a SendGrid dynamic template id (lowercase d- followed by 32 lowercase hex digits, as SendGrid issues them)`,
    );
  }
  if (templateId && (text.trim() || html.trim())) {
    c.fail(
      'template-id',
      'cannot be combined with "text" or "html" (the template supplies the body)',
    );
  }
  const templateData = readTemplateData(c, templateId);

  for (const [name, value] of [
    ['subject', subject],
    ['text', text],
    ['html', html],
  ] as const) {
    const unknown = unknownPlaceholders(value);
    if (unknown.length > 0) {
      c.fail(
        name,
        `unknown placeholder ${unknown.map((u) => `{{ ${u} }}`).join(', ')} (known: ${PLACEHOLDERS.join(', ')})`,
      );
    }
  }

  const cc = readRecipients(c, 'cc');
  const bcc = readRecipients(c, 'bcc');
  const individual = c.boolean('individual', false);
  // Every request carries cc and bcc (or its first one does), within SendGrid's 1000 recipients.
  if (!individual && cc.length + bcc.length >= MAX_RECIPIENTS_PER_REQUEST)
    c.fail(
      'bcc',
      `cc and bcc list ${cc.length + bcc.length} addresses together; SendGrid allows ${MAX_RECIPIENTS_PER_REQUEST} recipients per request (to + cc + bcc), so at most ${MAX_RECIPIENTS_PER_REQUEST - 1} (or set individual: true)`,
    );

  return {
    token,
    to,
    from: from ?? { email: '' },
    cc,
    bcc,
    replyTo,
    subject,
    text,
    html,
    templateId,
    templateData,
    notifyOn: c.choice('notify-on', NOTIFY_ON, 'always'),
    individual,
    apiUrl: c.httpUrl('sendgrid-api-url', c.value('sendgrid-api-url') || DEFAULT_SENDGRID_URL),
    sandbox: c.boolean('sandbox', false),
    failOnError: c.boolean('fail-on-notify-error', true),
    timeoutSeconds: c.seconds('sendgrid-timeout', 30),
  };
}

function readTemplateData(c: Checker, templateId: string): Record<string, unknown> {
  const raw = c.value('template-data');
  if (!raw) return {};
  if (!templateId) c.fail('template-data', 'is only used with "template-id"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    c.fail('template-data', 'is not valid JSON (expected a JSON object such as {"team":"api"})');
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    c.fail('template-data', 'must be a JSON object such as {"team":"api"}');
    return {};
  }
  return parsed as Record<string, unknown>;
}
