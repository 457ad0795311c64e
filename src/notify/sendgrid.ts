// Sends requests through @sendgrid/mail, retrying what may succeed later. Loaded only when an
// email is actually sent, so runs without email do not pay for the SendGrid client at start-up.
import * as core from '@actions/core';
import type { MailRequest } from './requests.js';
import { type Headers, isRetryable, MAX_ATTEMPTS, retryDelayMs } from './retry.js';

export interface SendResult {
  messageId: string;
  status: number;
}

export interface SendGridTarget {
  token: string;
  apiUrl: string;
  timeoutSeconds: number;
}

interface SendGridError {
  code?: number | string;
  message?: string;
  response?: { headers?: Headers; body?: unknown };
}

/** SendGrid's `{errors:[{message, field}]}` as one readable line. */
export function describeSendGridError(error: SendGridError): string {
  const status = typeof error.code === 'number' ? error.code : undefined;
  const body = error.response?.body as
    { errors?: { message?: string; field?: string | null }[] } | undefined;
  const details = (body?.errors ?? [])
    .map(({ message, field }) => `${message ?? 'error'}${field ? ` (field: ${field})` : ''}`)
    .join('; ');
  if (status !== undefined)
    return `SendGrid answered HTTP ${status}${details ? `: ${details}` : ''}`;
  return `could not reach SendGrid: ${error.message ?? String(error.code ?? 'network error')}`;
}

export async function sendAll(
  target: SendGridTarget,
  requests: MailRequest[],
): Promise<SendResult[]> {
  const [{ default: sgMail }, { default: client }] = await Promise.all([
    import('@sendgrid/mail'),
    import('@sendgrid/client'),
  ]);
  client.setApiKey(target.token);
  // setApiKey resets the base URL, so the URL comes after it.
  client.setDefaultRequest('baseUrl', target.apiUrl);
  sgMail.setClient(client);
  sgMail.setTimeout(target.timeoutSeconds * 1000);

  const results: SendResult[] = [];
  // One request at a time: SendGrid rate-limits per key, and parallel 429s would all wait.
  for (const request of requests) {
    for (let attempt = 1; ; attempt++) {
      try {
        const [response] = await sgMail.send(request as Parameters<typeof sgMail.send>[0]);
        const headers = response.headers as Headers;
        results.push({
          status: response.statusCode,
          messageId: String(headers['x-message-id'] ?? ''),
        });
        break;
      } catch (caught) {
        const error = caught as SendGridError;
        const status = typeof error.code === 'number' ? error.code : undefined;
        const description = describeSendGridError(error);
        // Network errors from the HTTP client carry a string code (ECONNREFUSED, ECONNABORTED…).
        const networkError = status === undefined && typeof error.code === 'string';
        if (!isRetryable(status, networkError) || attempt >= MAX_ATTEMPTS)
          throw new Error(description);
        const wait = retryDelayMs(attempt, error.response?.headers ?? {}, Date.now());
        core.info(
          `${description}; retrying in ${Math.round(wait / 100) / 10} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`,
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
  return results;
}
