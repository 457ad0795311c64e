// Which failed pushes are tried again. A transient registry error (HTTP 429 or 5xx, a connection
// reset, refused or timed out) is; an answer that will not change (401, 403, 404, a manifest or
// name the registry rejects) is not. Docker and BuildKit print the registry's answer but not its
// Retry-After header, so the waits are fixed. Pure: decided from docker's last lines.

/** Tries in all, the first included. */
export const PUSH_TRIES = 3;
/** The wait before the second and the third try. */
export const PUSH_WAITS_MS = [2000, 4000] as const;

const PERMANENT =
  /\b(401|403|404)\b|unauthori[sz]ed|forbidden|denied|not found|manifest invalid|MANIFEST_INVALID|name unknown|NAME_UNKNOWN|blob unknown|BLOB_UNKNOWN/i;
const TRANSIENT =
  /\b(429|50[0-4])\b|toomanyrequests|too many requests|service unavailable|bad gateway|gateway time-?out|internal server error|connection reset|connection refused|broken pipe|: EOF\b|i\/o timeout|timeout|tls handshake/i;

/** Whether a push that ended with these lines may succeed if tried again. */
export function isTransientPushFailure(logTail: string): boolean {
  // The error is in the last lines; earlier ones are progress ("Pushed", "Retrying in 5 s").
  const ending = logTail.trimEnd().split('\n').slice(-3).join('\n');
  return !PERMANENT.test(ending) && TRANSIENT.test(ending);
}
