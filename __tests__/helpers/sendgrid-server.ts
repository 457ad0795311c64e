// A local stand-in for SendGrid's POST /v3/mail/send that enforces the documented contract and
// records what it received. Contract sources: Twilio SendGrid's OpenAPI description of the Mail
// API v3 (github.com/twilio/sendgrid-oai, spec/json/tsg_mail_v3.json) and the v3 Mail Send
// documentation (docs.sendgrid.com/api-reference/mail-send/mail-send): bearer auth; 1–1000
// personalizations, each with `to`; at most 1000 recipients per request; no address twice
// across to/cc/bcc of a personalization; `from.email`; a non-empty subject unless a template
// sets it; non-empty content values, text/plain first; 202 with X-Message-Id; sandbox mode
// answers 200; errors are {errors:[{message, field, help}]}; 429 carries X-RateLimit-Reset; a
// recipient name with "," or ";" is accepted and dropped (the Mail Send limitations page).
import { randomUUID } from 'node:crypto';
import { type Fault, listen, playFault, readBody, sendJson, type TestServer } from './http.js';

interface EmailObject {
  email?: string;
  name?: string;
}
interface Personalization {
  to?: EmailObject[];
  cc?: EmailObject[];
  bcc?: EmailObject[];
  subject?: string;
}
export interface MailSendBody {
  personalizations?: Personalization[];
  from?: EmailObject;
  reply_to?: EmailObject;
  subject?: string;
  content?: { type?: string; value?: string }[];
  template_id?: string;
  mail_settings?: { sandbox_mode?: { enable?: boolean } };
  [key: string]: unknown;
}

export interface ReceivedMail {
  authorization: string;
  body: MailSendBody;
  status: number;
  /**
   * Accepted (202) but never delivered: a to/cc/bcc name holds "," or ";", which SendGrid
   * documents as not allowed (docs.sendgrid.com/api-reference/mail-send/limitations) and which
   * users report as dropped after a 202.
   */
  dropped: boolean;
}

function dropsSilently(body: MailSendBody): boolean {
  return (body.personalizations ?? []).some((p) =>
    [...(p.to ?? []), ...(p.cc ?? []), ...(p.bcc ?? [])].some((a) => /[,;]/.test(a.name ?? '')),
  );
}

export interface SendGridServer extends TestServer {
  received: ReceivedMail[];
  /** Every request, including those answered by a fault. */
  requestCount(): number;
  /** When the first request came: performance.now(), the clock of runAction's endedAt. */
  firstRequestAt(): number | undefined;
  /** Faults played, in order, before the normal contract applies again. */
  queue(...faults: Fault[]): void;
  /** A fault played for every request. */
  always(fault: Fault | undefined): void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function error(
  message: string,
  field: string | null,
): { errors: { message: string; field: string | null; help: null }[] } {
  return { errors: [{ message, field, help: null }] };
}

/** The contract's 400 answer for the first rule the body breaks, or undefined. */
export function validateMailSend(body: MailSendBody): ReturnType<typeof error> | undefined {
  const personalizations = body.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    return error(
      'The personalizations field is required and must have at least one personalization.',
      'personalizations',
    );
  }
  if (personalizations.length > 1000) {
    return error(
      'The personalizations field must have no more than 1000 personalizations.',
      'personalizations',
    );
  }
  let recipients = 0;
  for (const [i, p] of personalizations.entries()) {
    if (!Array.isArray(p.to) || p.to.length === 0) {
      return error(
        'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        `personalizations.${i}.to`,
      );
    }
    const seen = new Set<string>();
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      for (const [j, address] of (p[kind] ?? []).entries()) {
        if (!address.email || !EMAIL.test(address.email)) {
          return error(
            'Does not contain a valid address.',
            `personalizations.${i}.${kind}.${j}.email`,
          );
        }
        if (/[\r\n]/.test(address.name ?? '')) {
          return error(
            'Invalid name: line breaks are not allowed.',
            `personalizations.${i}.${kind}.${j}.name`,
          );
        }
        const key = address.email.toLowerCase();
        if (seen.has(key)) {
          return error(
            `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${address.email}] in the personalizations.${i}.${kind} field.`,
            `personalizations.${i}.${kind}`,
          );
        }
        seen.add(key);
        recipients++;
      }
    }
  }
  if (recipients > 1000)
    return error('The total number of recipients must be no more than 1000.', 'personalizations');
  if (!body.from?.email || !EMAIL.test(body.from.email)) {
    return error(
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.',
      'from.email',
    );
  }
  const templated = typeof body.template_id === 'string' && body.template_id.length > 0;
  const subjects = [body.subject, ...personalizations.map((p) => p.subject)];
  if (!templated && !subjects.some((s) => typeof s === 'string' && s.length > 0)) {
    return error(
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      'subject',
    );
  }
  if (subjects.some((s) => typeof s === 'string' && /[\r\n]/.test(s))) {
    return error('The subject must not contain line breaks.', 'subject');
  }
  if (!templated && (!Array.isArray(body.content) || body.content.length === 0)) {
    return error(
      'Unless a valid template_id is provided, the content parameter is required.',
      'content',
    );
  }
  for (const [i, part] of (body.content ?? []).entries()) {
    if (!part.value)
      return error(
        'The content value must be a string at least one character in length.',
        `content.${i}.value`,
      );
    if (i > 0 && part.type === 'text/plain')
      return error('The text/plain content type must be first.', `content.${i}.type`);
  }
  return undefined;
}

/** The action's email inputs for a run that mails through `server` (with the planted token). */
export function emailInputs(server: SendGridServer, token: string): Record<string, string> {
  return {
    'sendgrid-token': token,
    'sendgrid-api-url': server.url,
    mail: 'ops@example.com',
    from: 'ci@example.com',
  };
}

export async function startSendGrid(apiKey: string): Promise<SendGridServer> {
  const received: ReceivedMail[] = [];
  const queued: Fault[] = [];
  let permanent: Fault | undefined;
  const arrivals: number[] = [];
  const server = await listen(async (request, response) => {
    arrivals.push(performance.now());
    const text = await readBody(request);
    const fault = queued.shift() ?? permanent;
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (playFault(fault, request, response)) return;
    if (request.method !== 'POST' || request.url !== '/v3/mail/send')
      return sendJson(response, 404, error('Not found', null));
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `Bearer ${apiKey}`) {
      return sendJson(
        response,
        401,
        error('The provided authorization grant is invalid, expired, or revoked', null),
      );
    }
    let body: MailSendBody;
    try {
      body = JSON.parse(text) as MailSendBody;
    } catch {
      return sendJson(response, 400, error('Bad Request', null));
    }
    const problem = validateMailSend(body);
    const status = problem ? 400 : body.mail_settings?.sandbox_mode?.enable ? 200 : 202;
    received.push({ authorization, body, status, dropped: !problem && dropsSilently(body) });
    if (problem) return sendJson(response, 400, problem);
    sendJson(
      response,
      status,
      undefined,
      status === 202 ? { 'X-Message-Id': randomUUID().replace(/-/g, '').slice(0, 22) } : {},
    );
  });
  return {
    url: server.url,
    stop: server.stop,
    received,
    requestCount: () => arrivals.length,
    firstRequestAt: () => arrivals[0],
    queue: (...faults) => queued.push(...faults),
    always: (fault) => {
      permanent = fault;
    },
  };
}
