// Turns one message and its recipients into SendGrid v3 mail/send requests (in the camelCase
// form @sendgrid/mail takes). SendGrid allows at most 1000 personalizations and 1000
// recipients per request, and no address twice across to/cc/bcc.
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
 * Personalizations grouped into requests. cc and bcc ride with the first personalization only,
 * so each of them gets the message once. `individual` gives each `to` address its own
 * personalization, so nobody sees the others.
 */
export function planPersonalizations(
  to: Address[],
  cc: Address[],
  bcc: Address[],
  individual: boolean,
): Personalization[][] {
  const [uniqueTo = [], uniqueCc = [], uniqueBcc = []] = dedupeRecipients([to, cc, bcc]);
  const copies = uniqueCc.length + uniqueBcc.length;
  const withCopies = (p: Personalization): Personalization => ({
    ...p,
    ...(uniqueCc.length ? { cc: uniqueCc } : {}),
    ...(uniqueBcc.length ? { bcc: uniqueBcc } : {}),
  });

  const firstSize = Math.max(1, MAX_RECIPIENTS_PER_REQUEST - copies);
  const groups = [
    uniqueTo.slice(0, firstSize),
    ...chunk(uniqueTo.slice(firstSize), MAX_RECIPIENTS_PER_REQUEST),
  ];
  if (!individual)
    return groups.map((group, i) => [i === 0 ? withCopies({ to: group }) : { to: group }]);

  return groups.map((group, i) =>
    group.map((address, j) =>
      i === 0 && j === 0 ? withCopies({ to: [address] }) : { to: [address] },
    ),
  );
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
