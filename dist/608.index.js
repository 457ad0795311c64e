export const id = 608;
export const ids = [608];
export const modules = {

/***/ 9608:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// UNUSED EXPORTS: deployStatus, imagesToUpdate

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6288);
// EXTERNAL MODULE: ./src/docker/reference.ts
var reference = __webpack_require__(2977);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4942);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
;// CONCATENATED MODULE: ./src/deploy/http.ts
// One POST over node:http(s). Node's global fetch loads its own copy of undici on first use
// (about 25 ms of start-up here, measured with --cpu-prof); one request per host does not need it.
// The agent comes from the toolkit's http-client (already loaded by @actions/core): it goes
// through HTTPS_PROXY/HTTP_PROXY and skips them for NO_PROXY hosts, as the runner and the
// SendGrid client do.



/** Watchtower's answer is a small JSON object; more than this is not Watchtower. */
const MAX_BODY_BYTES = 1024 * 1024;
class TimeoutError extends Error {
    name = 'TimeoutError';
}
async function post(url, headers, timeoutMs) {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? external_node_https_ : external_node_http_;
    return new Promise((resolve, reject) => {
        const request = transport.request(target, {
            method: 'POST',
            headers: { ...headers, 'Content-Length': '0' },
            // A client per request: HttpClient keeps the first direct agent it made and hands it to
            // every later URL, so an https host after an http one would get the http agent.
            agent: new lib/* HttpClient */.Qq('build-push-notify').getAgent(url),
        }, (response) => {
            const chunks = [];
            let bytes = 0;
            response.on('data', (chunk) => {
                bytes += chunk.length;
                if (bytes <= MAX_BODY_BYTES)
                    chunks.push(chunk);
            });
            response.on('error', reject);
            response.on('end', () => {
                clearTimeout(timer);
                const retryAfter = response.headers['retry-after'];
                resolve({
                    status: response.statusCode ?? 0,
                    retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
                    body: Buffer.concat(chunks).toString('utf8'),
                });
            });
        });
        // The deadline settles the call itself: behind a proxy that never answers CONNECT, destroying
        // the request raises no error until the proxy gives up.
        const timer = setTimeout(() => {
            reject(new TimeoutError());
            request.destroy();
        }, timeoutMs);
        request.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
        });
        request.end();
    });
}

// EXTERNAL MODULE: ./src/report.ts
var report = __webpack_require__(665);
// EXTERNAL MODULE: ./src/docker/digest.ts
var digest = __webpack_require__(786);
;// CONCATENATED MODULE: ./src/deploy/watchtower.ts


/** Always names the images: without `image=` upstream silently does nothing while busy. */
function updateUrl(baseUrl, images) {
    return `${baseUrl.replace(/\/+$/, '')}/v1/update?image=${images.map(encodeURIComponent).join(',')}`;
}
/** Images that upstream Watchtower can never match: it cuts the image name at the first `:`. */
function imagesWithRegistryPort(images) {
    return images.filter((image) => /^[^/]+:\d+\//.test(image));
}
/**
 * Every spelling a container's image may have for a repository: Watchtower compares the name a
 * container was created with (compose `image:`, `docker run`) with `image=` literally (1.7.1,
 * and the fork before 1.20.2, which alone normalises names), so a Docker Hub repository is sent
 * as each of the ways docker accepts it. Other registries are sent as written: docker keeps
 * their names as they are.
 */
function imageSpellings(repository) {
    // Docker's short name: `docker.io/library/nginx` → `nginx`; other registries keep their host.
    const familiar = (0,digest/* familiarRepository */.Yu)(repository);
    if ((0,reference/* parseImageReference */.o)(familiar).domain)
        return [repository];
    const paths = familiar.includes('/') ? [familiar] : [familiar, `library/${familiar}`];
    return ['', 'docker.io/', 'index.docker.io/'].flatMap((host) => paths.map((p) => host + p));
}
const isCount = (value) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
/** The fork's summary, or undefined when the body is not Watchtower's JSON. */
function parseCounts(body) {
    let summary;
    try {
        const parsed = JSON.parse(body);
        summary =
            parsed && typeof parsed.summary === 'object' && parsed.summary !== null
                ? parsed.summary
                : undefined;
    }
    catch {
        return undefined;
    }
    if (!summary ||
        !isCount(summary.scanned) ||
        !isCount(summary.updated) ||
        !isCount(summary.failed))
        return undefined;
    return {
        scanned: summary.scanned,
        updated: summary.updated,
        failed: summary.failed,
        // Later additions (restarted, then skipped): zero when this version does not report them.
        restarted: isCount(summary.restarted) ? summary.restarted : 0,
        skipped: isCount(summary.skipped) ? summary.skipped : 0,
    };
}
/** The start of a body that is not Watchtower's, to say what answered instead. */
function bodyStart(body) {
    const flat = body.replace(/\s+/g, ' ').trim();
    return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}
function interpretResponse(httpStatus, body) {
    const verdict = (status, message, counts) => ({
        status,
        message,
        counts,
    });
    if (httpStatus === 401 || httpStatus === 403)
        return verdict('failed', `token rejected (HTTP ${httpStatus}): watchtower-token must equal WATCHTOWER_HTTP_API_TOKEN on the host`);
    if (httpStatus === 404 || httpStatus === 405)
        return verdict('failed', `no update endpoint here (HTTP ${httpStatus}): is it enabled (WATCHTOWER_HTTP_API_ENDPOINTS=update, or WATCHTOWER_HTTP_API_UPDATE=true before 1.20), and is the URL the API's base?`);
    if (httpStatus === 202)
        return verdict('unconfirmed', 'accepted; the update runs in the background (HTTP 202)');
    if (httpStatus < 200 || httpStatus >= 300)
        return verdict('failed', `Watchtower answered HTTP ${httpStatus}`);
    if (!body.trim())
        return verdict('unconfirmed', `HTTP ${httpStatus} with an empty body: the host took the request but does not say what it updated (containrrr/watchtower 1.7.1, or the fork before 1.12.1)`);
    const counts = parseCounts(body);
    if (!counts)
        return verdict('failed', `not a Watchtower API: HTTP ${httpStatus} with "${bodyStart(body)}" (a proxy, a login page or another server answered)`);
    const tally = `scanned ${counts.scanned}, updated ${counts.updated}, failed ${counts.failed}${counts.skipped ? `, skipped ${counts.skipped}` : ''}`;
    if (counts.failed > 0)
        return verdict('failed', `${tally}: the host could not update every container`, counts);
    // The fork counts a container it could not check (a failed pull or registry login on the
    // host, a cooldown) as skipped, outside `scanned`: not updated, so not deployed.
    if (counts.skipped > 0)
        return verdict('failed', `${tally}: the host skipped containers it could not check or pull (registry credentials on the host? Watchtower's log says why)`, counts);
    if (counts.updated > 0)
        return verdict('updated', tally, counts);
    if (counts.scanned === 0)
        return verdict('no-match', `${tally}: no container here runs these images (check the container's image name and, with WATCHTOWER_LABEL_ENABLE, its com.centurylinklabs.watchtower.enable label)`, counts);
    return verdict('no-change', `${tally}: already up to date`, counts);
}
/** Seconds from `Retry-After`; a default when absent or unreadable. */
function retryAfterMs(value, fallbackMs = 5000) {
    const seconds = Number(value);
    return value !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallbackMs;
}

;// CONCATENATED MODULE: ./src/deploy/stage.ts
// The deployment stage: asks every Watchtower host to update, all at once, and collects what
// each did. Never throws: each host's failure is part of its result.





const MAX_ATTEMPTS = 3;
/**
 * The images to update: as given, else each pushed repository; each in every spelling Watchtower
 * may need to match it (imageSpellings), once.
 */
function imagesToUpdate(deploy, tags) {
    const repositories = deploy.images.length > 0
        ? deploy.images
        : tags.map((tag) => (0,reference/* repositoryOf */._)((0,reference/* parseImageReference */.o)(tag)));
    return [...new Set(repositories.flatMap(imageSpellings))];
}
/** `deployed` only when every host confirmed; one failed host makes it `partial`. */
function deployStatus(hosts) {
    const failed = hosts.filter((host) => (0,report/* isFailedHost */.SP)(host.status)).length;
    if (failed === hosts.length)
        return 'failed';
    if (failed > 0)
        return 'partial';
    return hosts.some((host) => host.status === 'unconfirmed') ? 'unconfirmed' : 'deployed';
}
function networkMessage(error, timeoutSeconds) {
    if (error instanceof TimeoutError)
        return `no answer within ${timeoutSeconds} s`;
    const { code, message } = error;
    if (code === 'ECONNREFUSED') {
        return "connection refused: is Watchtower's HTTP API on, on this port?";
    }
    return `could not reach the host: ${code ?? message}`;
}
async function updateHost(baseUrl, images, deploy) {
    const start = performance.now();
    // One deadline for the host, retries included: watchtower-timeout bounds the whole call.
    const deadline = start + deploy.timeoutSeconds * 1000;
    const result = (partial) => ({
        url: baseUrl,
        durationMs: performance.now() - start,
        ...partial,
    });
    for (let attempt = 1;; attempt++) {
        let response;
        try {
            response = await post(updateUrl(baseUrl, images), { Authorization: `Bearer ${deploy.token}` }, Math.max(1, deadline - performance.now()));
        }
        catch (error) {
            return result({
                status: 'failed',
                httpStatus: undefined,
                counts: undefined,
                message: networkMessage(error, deploy.timeoutSeconds),
            });
        }
        if (response.status === 429) {
            const wait = retryAfterMs(response.retryAfter);
            if (attempt < MAX_ATTEMPTS && performance.now() + wait < deadline) {
                core/* info */.pq(`${baseUrl}: another update is running (HTTP 429); retrying in ${wait / 1000} s`);
                await new Promise((resolve) => setTimeout(resolve, wait));
                continue;
            }
            return result({
                status: 'failed',
                httpStatus: 429,
                counts: undefined,
                message: `still busy after ${attempt} attempt(s) (HTTP 429)`,
            });
        }
        return result({
            httpStatus: response.status,
            ...interpretResponse(response.status, response.body),
        });
    }
}
async function deploy(inputs, report) {
    const skip = (reason) => {
        core/* info */.pq(`Deployment skipped: ${reason}`);
        return { status: 'skipped', hosts: [], reason };
    };
    if (report.failure)
        return skip(`the ${report.failure.stage} stage failed`);
    if (!report.push)
        return skip('nothing was pushed (push is false)');
    if (!inputs.token) {
        core/* warning */.$e('watchtower-token is empty (pull requests from forks get no secrets): deployment skipped');
        return { status: 'skipped', hosts: [], reason: 'watchtower-token is empty' };
    }
    const images = imagesToUpdate(inputs, report.tags);
    const unmatched = imagesWithRegistryPort(images);
    if (unmatched.length > 0) {
        core/* warning */.$e(`containrrr/watchtower 1.7.1 cuts image names at the first ":", so it never matches ${unmatched.join(', ')}; the maintained fork (nickfedor/watchtower) does`);
    }
    core/* info */.pq(`Asking ${inputs.urls.length} Watchtower host(s) to update ${images.join(', ')}`);
    const hosts = await Promise.all(inputs.urls.map((url) => updateHost(url, images, inputs)));
    for (const host of hosts)
        core/* info */.pq(`${host.url}: ${host.status} ${host.message}`);
    return { status: deployStatus(hosts), hosts, reason: '' };
}


/***/ })

};
