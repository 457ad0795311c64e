export const id = 937;
export const ids = [937];
export const modules = {

/***/ 6937:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  sendAll: () => (/* binding */ sendAll)
});

// UNUSED EXPORTS: describeSendGridError

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6288);
;// CONCATENATED MODULE: ./src/notify/retry.ts
// When to try a SendGrid request again, and how long to wait first. Only what cannot have been
// delivered is tried again: SendGrid has no idempotency key, so a resent request is a second
// email. Pure, so the policy is tested without clocks or servers.
const MAX_ATTEMPTS = 4;
/** No single wait is longer than this, whatever the server asks: a step must never hang. */
const MAX_WAIT_MS = 15_000;
function header(headers, name) {
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
function failureKind(status, networkCode) {
    if (status !== undefined)
        return status === 429 || status >= 500 ? 'retry' : 'permanent';
    if (networkCode === undefined)
        return 'permanent'; // not from the network: a bug in the request
    if (NOT_SENT.has(networkCode))
        return 'retry';
    return NO_ANSWER.has(networkCode) ? 'unknown' : 'permanent';
}
/**
 * Milliseconds to wait before attempt `attempt + 1`: what `Retry-After` or SendGrid's
 * `X-RateLimit-Reset` (unix seconds) asks for, else exponential backoff; capped.
 */
function retryDelayMs(attempt, headers, nowMs) {
    const retryAfter = header(headers, 'retry-after');
    const reset = header(headers, 'x-ratelimit-reset');
    let wait = 1000 * 2 ** (attempt - 1);
    if (retryAfter !== undefined) {
        const seconds = Number(retryAfter);
        wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - nowMs;
    }
    else if (reset !== undefined && Number.isFinite(Number(reset))) {
        wait = Number(reset) * 1000 - nowMs;
    }
    return Math.min(Math.max(Number.isFinite(wait) ? wait : 0, 0), MAX_WAIT_MS);
}

;// CONCATENATED MODULE: ./src/notify/sendgrid.ts
// Sends requests through @sendgrid/mail, retrying what may succeed later. Loaded only when an
// email is actually sent, so runs without email do not pay for the SendGrid client at start-up.


/** The HTTP status SendGrid answered with, when it answered. */
function answeredStatus(error) {
    return typeof error.code === 'number' ? error.code : error.response?.status;
}
/** SendGrid's `{errors:[{message, field}]}` as one readable line. */
function describeSendGridError(error) {
    const status = answeredStatus(error);
    const body = error.response?.body;
    const details = (body?.errors ?? [])
        .map(({ message, field }) => `${message ?? 'error'}${field ? ` (field: ${field})` : ''}`)
        .join('; ');
    if (status !== undefined)
        return `SendGrid answered HTTP ${status}${details ? `: ${details}` : ''}`;
    return `could not reach SendGrid: ${error.message ?? String(error.code ?? 'network error')}`;
}
/** Sends each request (one at a time: SendGrid rate-limits per key); never throws. */
async function sendAll(target, requests) {
    const [{ default: sgMail }, { default: client }] = await Promise.all([
        Promise.all(/* import() */[__webpack_require__.e(944), __webpack_require__.e(48)]).then(__webpack_require__.t.bind(__webpack_require__, 2048, 23)),
        __webpack_require__.e(/* import() */ 944).then(__webpack_require__.t.bind(__webpack_require__, 7944, 23)),
    ]);
    client.setApiKey(target.token);
    // setApiKey resets the base URL, so the URL comes after it.
    client.setDefaultRequest('baseUrl', target.apiUrl);
    // axios follows redirects through a wrapper whose timer starts only once it has a socket: behind
    // a proxy that accepts and never answers, the timeout would never fire. SendGrid never redirects.
    client.setDefaultRequest({ maxRedirects: 0 });
    sgMail.setClient(client);
    sgMail.setTimeout(target.timeoutSeconds * 1000);
    const outcomes = [];
    for (const request of requests)
        outcomes.push(await sendOne(sgMail, request));
    return outcomes;
}
/** One request, tried again only while it cannot have been delivered. */
async function sendOne(sgMail, request) {
    for (let attempt = 1;; attempt++) {
        try {
            const [response] = await sgMail.send(request);
            const headers = response.headers;
            return {
                kind: 'accepted',
                status: response.statusCode,
                messageId: String(headers['x-message-id'] ?? ''),
            };
        }
        catch (caught) {
            const error = caught;
            const status = answeredStatus(error);
            // Network errors from the HTTP client carry a string code (ECONNREFUSED, ECONNABORTED…).
            const networkCode = status === undefined && typeof error.code === 'string' ? error.code : undefined;
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
            core/* info */.pq(`${description}; retrying in ${Math.round(wait / 100) / 10} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
            await new Promise((resolve) => setTimeout(resolve, wait));
        }
    }
}


/***/ })

};
