// Turns one message and its recipients into SendGrid v3 mail/send requests (in the camelCase
// form @sendgrid/mail takes). SendGrid allows at most 1000 personalizations and 1000 recipients
// (to + cc + bcc, all personalizations together) per request, and no address twice in one.
import type { MailInputs } from '../inputs/index.js';
import type { Address } from './address.js';
import type { Message } from './message.js';

export const MAX_RECIPIENTS_PER_REQUEST = 1000;

export interface Personalization {
  to: Address[];
  cc?: Address[];
  bcc?: Address[];
}

export interface MailRequest {
  personalizations: Personalization[];
  from: Address;
  replyTo?: Address;
  subject?: string;
  text?: string;
  html?: string;
  templateId?: string;
  dynamicTemplateData?: Record<string, unknown>;
  mailSettings?: { sandboxMode: { enable: boolean } };
}

/** Removes addresses already listed earlier (to, then cc, then bcc), case-insensitively. */
export function dedupeRecipients(lists: Address[][]): Address[][] {
  const seen = new Set<string>();
  return lists.map((list) =>
    list.filter(({ email }) => {
      const key = email.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Personalizations grouped into requests of at most 1000 recipients each, to + cc + bcc. cc and
 * bcc ride with the first request only, so each of them gets the message once (the inputs keep
 * them under 1000 together). `individual` gives every recipient, cc and bcc included, one copy
 * addressed to them alone, so nobody sees another address.
 */
export function planPersonalizations(
  to: Address[],
  cc: Address[],
  bcc: Address[],
  individual: boolean,
): Personalization[][] {
  const [uniqueTo = [], uniqueCc = [], uniqueBcc = []] = dedupeRecipients([to, cc, bcc]);
  if (individual) {
    const everyone = [...uniqueTo, ...uniqueCc, ...uniqueBcc];
    return chunk(
      everyone.map((address) => ({ to: [address] })),
      MAX_RECIPIENTS_PER_REQUEST,
    );
  }
  const firstSize = MAX_RECIPIENTS_PER_REQUEST - uniqueCc.length - uniqueBcc.length;
  if (firstSize < 1) throw new Error('cc and bcc together must be fewer than 1000 addresses');
  const groups = [
    uniqueTo.slice(0, firstSize),
    ...chunk(uniqueTo.slice(firstSize), MAX_RECIPIENTS_PER_REQUEST),
  ];
  return groups.map((group, i) => [
    i === 0
      ? {
          to: group,
          ...(uniqueCc.length ? { cc: uniqueCc } : {}),
          ...(uniqueBcc.length ? { bcc: uniqueBcc } : {}),
        }
      : { to: group },
  ]);
}

export function buildMailRequests(
  mail: MailInputs,
  message: Message,
  templateData: Record<string, unknown>,
): MailRequest[] {
  const content = mail.templateId
    ? { templateId: mail.templateId, dynamicTemplateData: templateData, subject: message.subject }
    : {
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
      };
  return planPersonalizations(mail.to, mail.cc, mail.bcc, mail.individual).map(
    (personalizations) => ({
      personalizations,
      from: mail.from,
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      ...content,
      ...(mail.sandbox ? { mailSettings: { sandboxMode: { enable: true } } } : {}),
    }),
  );
}

/** Every address the requests send to, in order. */
export function recipientsOf(requests: MailRequest[]): string[] {
  return requests.flatMap((request) =>
    request.personalizations.flatMap((p) =>
      [...p.to, ...(p.cc ?? []), ...(p.bcc ?? [])].map((a) => a.email),
    ),
  );
}
