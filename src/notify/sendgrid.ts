// Sends requests through @sendgrid/mail, retrying what may succeed later. Loaded only when an
// email is actually sent, so runs without email do not pay for the SendGrid client at start-up.
import * as core from '@actions/core';
import type { MailRequest } from './requests.js';
import { failureKind, type Headers, MAX_ATTEMPTS, retryDelayMs } from './retry.js';

/** What became of one request: accepted (with its message id), failed for sure, or unknown. */
export type RequestOutcome =
  | { kind: 'accepted'; status: number; messageId: string }
  | { kind: 'failed' | 'unknown'; message: string };

export interface SendGridTarget {
  token: string;
  apiUrl: string;
  timeoutSeconds: number;
}

interface SendGridError {
  code?: number | string;
  message?: string;
  /** SendGrid's client wraps answers of 400 and more; axios's own errors keep `status` (a 3xx). */
  response?: { headers?: Headers; body?: unknown; status?: number };
}

/** The HTTP status SendGrid answered with, when it answered. */
function answeredStatus(error: SendGridError): number | undefined {
  return typeof error.code === 'number' ? error.code : error.response?.status;
}

/** SendGrid's `{errors:[{message, field}]}` as one readable line. */
export function describeSendGridError(error: SendGridError): string {
  const status = answeredStatus(error);
  const body = error.response?.body as
    { errors?: { message?: string; field?: string | null }[] } | undefined;
  const details = (body?.errors ?? [])
    .map(({ message, field }) => `${message ?? 'error'}${field ? ` (field: ${field})` : ''}`)
    .join('; ');
  if (status !== undefined)
    return `SendGrid answered HTTP ${status}${details ? `: ${details}` : ''}`;
  return `could not reach SendGrid: ${error.message ?? String(error.code ?? 'network error')}`;
}

type MailService = typeof import('@sendgrid/mail');

/** Sends each request (one at a time: SendGrid rate-limits per key); never throws. */
export async function sendAll(
  target: SendGridTarget,
  requests: MailRequest[],
): Promise<RequestOutcome[]> {
  const [{ default: sgMail }, { default: client }] = await Promise.all([
    import('@sendgrid/mail'),
    import('@sendgrid/client'),
  ]);
  client.setApiKey(target.token);
  // setApiKey resets the base URL, so the URL comes after it.
  client.setDefaultRequest('baseUrl', target.apiUrl);
  // axios follows redirects through a wrapper whose timer starts only once it has a socket: behind
  // a proxy that accepts and never answers, the timeout would never fire. SendGrid never redirects.
  client.setDefaultRequest({ maxRedirects: 0 } as unknown as Parameters<
    typeof client.setDefaultRequest
  >[0]);
  sgMail.setClient(client);
  sgMail.setTimeout(target.timeoutSeconds * 1000);

  const outcomes: RequestOutcome[] = [];
  for (const request of requests) outcomes.push(await sendOne(sgMail, request));
  return outcomes;
}

/** One request, tried again only while it cannot have been delivered. */
async function sendOne(sgMail: MailService, request: MailRequest): Promise<RequestOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [response] = await sgMail.send(request as Parameters<MailService['send']>[0]);
      const headers = response.headers as Headers;
      return {
        kind: 'accepted',
        status: response.statusCode,
        messageId: String(headers['x-message-id'] ?? ''),
      };
    } catch (caught) {
      const error = caught as SendGridError;
      const status = answeredStatus(error);
      // Network errors from the HTTP client carry a string code (ECONNREFUSED, ECONNABORTED…).
      const networkCode =
        status === undefined && typeof error.code === 'string' ? error.code : undefined;
      const description = describeSendGridError(error);
      const kind = failureKind(status, networkCode);
      if (kind === 'unknown')
        return {
          kind,
          message: `${description}; SendGrid may have accepted it, so it was not sent again (a second try could mail everyone twice)`,
        };
      if (kind === 'permanent' || attempt >= MAX_ATTEMPTS) {
        const tries = attempt > 1 ? ` (${attempt} tries)` : '';
        return { kind: 'failed', message: `${description}${tries}` };
      }
      const wait = retryDelayMs(attempt, error.response?.headers ?? {}, Date.now());
      core.info(
        `${description}; retrying in ${Math.round(wait / 100) / 10} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
