// When to try a SendGrid request again, and how long to wait first. Only what cannot have been
// delivered is tried again: SendGrid has no idempotency key, so a resent request is a second
// email. Pure, so the policy is tested without clocks or servers.

export const MAX_ATTEMPTS = 4;
/** No single wait is longer than this, whatever the server asks: a step must never hang. */
export const MAX_WAIT_MS = 15_000;

export type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Network errors that happen before a request is written: SendGrid cannot have received it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * Errors after the request may have been written, with no answer: axios's timeout, a connection
 * reset or broken mid-request. Anything else (a certificate SendGrid's address does not have, a
 * redirect, a protocol error) means the request never reached SendGrid.
 */
const NO_ANSWER = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ERR_CANCELED']);

/**
 * What a failed request means. `retry`: it did not go through and may later (429, 5xx, a
 * connection that never opened). `permanent`: SendGrid refused it and will again (other 4xx).
 * `unknown`: the request was sent and no answer came (a timeout, a dropped connection), so
 * SendGrid may have accepted it; trying again could deliver it twice.
 */
export function failureKind(
  status: number | undefined,
  networkCode: string | undefined,
): 'retry' | 'permanent' | 'unknown' {
  if (status !== undefined) return status === 429 || status >= 500 ? 'retry' : 'permanent';
  if (networkCode === undefined) return 'permanent'; // not from the network: a bug in the request
  if (NOT_SENT.has(networkCode)) return 'retry';
  return NO_ANSWER.has(networkCode) ? 'unknown' : 'permanent';
}

/**
 * Milliseconds to wait before attempt `attempt + 1`: what `Retry-After` or SendGrid's
 * `X-RateLimit-Reset` (unix seconds) asks for, else exponential backoff; capped.
 */
export function retryDelayMs(attempt: number, headers: Headers, nowMs: number): number {
  const retryAfter = header(headers, 'retry-after');
  const reset = header(headers, 'x-ratelimit-reset');
  let wait = 1000 * 2 ** (attempt - 1);
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - nowMs;
  } else if (reset !== undefined && Number.isFinite(Number(reset))) {
    wait = Number(reset) * 1000 - nowMs;
  }
  return Math.min(Math.max(Number.isFinite(wait) ? wait : 0, 0), MAX_WAIT_MS);
}
