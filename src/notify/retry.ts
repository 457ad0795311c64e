// When to try a SendGrid request again, and how long to wait first. Pure, so the policy is
// tested without clocks or servers.

export const MAX_ATTEMPTS = 4;
/** No single wait is longer than this, whatever the server asks: a step must never hang. */
export const MAX_WAIT_MS = 15_000;

export type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** 429, 5xx and network errors may succeed later; other 4xx (and malformed mail) will not. */
export function isRetryable(status: number | undefined, networkError: boolean): boolean {
  return status === undefined ? networkError : status === 429 || status >= 500;
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
