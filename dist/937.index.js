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
// When to try a SendGrid request again, and how long to wait first. Pure, so the policy is
// tested without clocks or servers.
const MAX_ATTEMPTS = 4;
/** No single wait is longer than this, whatever the server asks: a step must never hang. */
const MAX_WAIT_MS = 15_000;
function header(headers, name) {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
}
/** 429, 5xx and network errors may succeed later; other 4xx (and malformed mail) will not. */
function isRetryable(status, networkError) {
    return status === undefined ? networkError : status === 429 || status >= 500;
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


/** SendGrid's `{errors:[{message, field}]}` as one readable line. */
function describeSendGridError(error) {
    const status = typeof error.code === 'number' ? error.code : undefined;
    const body = error.response?.body;
    const details = (body?.errors ?? [])
        .map(({ message, field }) => `${message ?? 'error'}${field ? ` (field: ${field})` : ''}`)
        .join('; ');
    if (status !== undefined)
        return `SendGrid answered HTTP ${status}${details ? `: ${details}` : ''}`;
    return `could not reach SendGrid: ${error.message ?? String(error.code ?? 'network error')}`;
}
async function sendAll(target, requests) {
    const [{ default: sgMail }, { default: client }] = await Promise.all([
        Promise.all(/* import() */[__webpack_require__.e(944), __webpack_require__.e(48)]).then(__webpack_require__.t.bind(__webpack_require__, 2048, 23)),
        __webpack_require__.e(/* import() */ 944).then(__webpack_require__.t.bind(__webpack_require__, 7944, 23)),
    ]);
    client.setApiKey(target.token);
    // setApiKey resets the base URL, so the URL comes after it.
    client.setDefaultRequest('baseUrl', target.apiUrl);
    sgMail.setClient(client);
    sgMail.setTimeout(target.timeoutSeconds * 1000);
    const results = [];
    // One request at a time: SendGrid rate-limits per key, and parallel 429s would all wait.
    for (const request of requests) {
        for (let attempt = 1;; attempt++) {
            try {
                const [response] = await sgMail.send(request);
                const headers = response.headers;
                results.push({
                    status: response.statusCode,
                    messageId: String(headers['x-message-id'] ?? ''),
                });
                break;
            }
            catch (caught) {
                const error = caught;
                const status = typeof error.code === 'number' ? error.code : undefined;
                const description = describeSendGridError(error);
                // Network errors from the HTTP client carry a string code (ECONNREFUSED, ECONNABORTED…).
                const networkError = status === undefined && typeof error.code === 'string';
                if (!isRetryable(status, networkError) || attempt >= MAX_ATTEMPTS)
                    throw new Error(description);
                const wait = retryDelayMs(attempt, error.response?.headers ?? {}, Date.now());
                core/* info */.pq(`${description}; retrying in ${Math.round(wait / 100) / 10} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
                await new Promise((resolve) => setTimeout(resolve, wait));
            }
        }
    }
    return results;
}


/***/ })

};
