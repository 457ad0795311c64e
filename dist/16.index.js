export const id = 16;
export const ids = [16];
export const modules = {

/***/ 5016:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// UNUSED EXPORTS: deployStatus

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6288);
// EXTERNAL MODULE: ./src/report.ts
var src_report = __webpack_require__(665);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/docker/cli.ts
var cli = __webpack_require__(1670);
// EXTERNAL MODULE: ./src/docker/digest.ts
var docker_digest = __webpack_require__(786);
;// CONCATENATED MODULE: ./src/deploy/swarm.ts

/** The TLS files docker reads for a `tcp://` manager, in a folder of their own. */
const TLS_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' };
/** docker's global options that point it at the manager; none for the runner's own docker. */
function connectionArgs(host, tlsDir) {
    if (!host)
        return [];
    const args = ['--host', host];
    if (tlsDir) {
        args.push('--tlsverify', `--tlscacert=${tlsDir}/${TLS_FILES.ca}`, `--tlscert=${tlsDir}/${TLS_FILES.cert}`, `--tlskey=${tlsDir}/${TLS_FILES.key}`);
    }
    return args;
}
function inspectArgs(service) {
    return ['service', 'inspect', '--format', '{{json .}}', service];
}
/**
 * Pins every replica to the pushed digest; the step's registry login goes to the nodes, which
 * pull with it. Waits for Swarm's verdict (converged, rolled back or paused), unless `wait` is
 * false: a service with no task to replace has no verdict to wait for.
 */
function updateArgs(serviceId, image, wait = true) {
    return [
        'service',
        'update',
        '--image',
        image,
        '--with-registry-auth',
        `--detach=${!wait}`,
        serviceId,
    ];
}
function tasksArgs(serviceId) {
    return ['service', 'ps', '--no-trunc', '--format', '{{json .}}', serviceId];
}
const object = (value) => typeof value === 'object' && value !== null ? value : {};
const swarm_text = (value) => (typeof value === 'string' ? value : '');
/** `docker service inspect --format '{{json .}}'`; throws when it is not a service. */
function parseService(json) {
    const service = object(JSON.parse(json));
    const spec = object(service.Spec);
    const image = swarm_text(object(object(spec.TaskTemplate).ContainerSpec).Image);
    if (!swarm_text(service.ID) || !image)
        throw new Error('not a Swarm service');
    const mode = object(spec.Mode);
    const update = service.UpdateStatus ? object(service.UpdateStatus) : undefined;
    const replicas = object(mode.Replicated).Replicas;
    return {
        id: swarm_text(service.ID),
        name: swarm_text(spec.Name),
        image,
        mode: mode.Global ? 'global' : mode.Replicated ? 'replicated' : 'job',
        replicas: typeof replicas === 'number' ? replicas : undefined,
        update: update && {
            state: swarm_text(update.State),
            message: swarm_text(update.Message),
            startedAt: swarm_text(update.StartedAt),
        },
    };
}
/** `docker service ps --format '{{json .}}'`, one task per line, newest first per slot. */
function parseTasks(output) {
    return output
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => {
        const task = object(JSON.parse(line));
        return {
            id: swarm_text(task.ID),
            image: swarm_text(task.Image),
            desiredState: swarm_text(task.DesiredState),
            currentState: swarm_text(task.CurrentState),
            // docker quotes the task's error: `"task: non-zero exit (3)"`.
            error: swarm_text(task.Error).replace(/^"(.*)"$/, '$1'),
        };
    });
}
/** Whether `image` (`repository[:tag]@digest`) is `pinned` (`repository@digest`). */
function isSameImage(image, pinned) {
    const split = (reference) => {
        const [name = '', digest = ''] = reference.split('@');
        // The tag, if any, follows the last ":" after the last "/" (a registry port comes before).
        const repository = name.replace(/:[^/:]*$/, '');
        return [(0,docker_digest/* familiarRepository */.Yu)(repository), digest];
    };
    const [repository, digest] = split(image);
    const [pinnedRepository, pinnedDigest] = split(pinned);
    return digest !== '' && digest === pinnedDigest && repository === pinnedRepository;
}
const isRunning = (task) => task.desiredState === 'Running' && task.currentState.startsWith('Running');
function countReplicas(service, tasks, image) {
    const running = tasks.filter(isRunning);
    const desired = service.mode === 'global'
        ? tasks.filter((task) => task.desiredState === 'Running').length
        : service.replicas;
    return {
        desired,
        running: running.length,
        onImage: running.filter((task) => isSameImage(task.image, image)).length,
    };
}
const failed = (message) => ({ status: 'failed', message });
/** Rollout states in which Swarm stopped on a failed task and waits for a person. */
const STUCK = ['paused', 'rollback_paused'];
/** Rollout states Swarm is still working through. */
const UNDER_WAY = ['updating', 'rollback_started'];
/**
 * What to do with a service as found: `update` it; report it `unchanged` (its spec already pins
 * the digest, and any rollout of it is over); or report it `stuck` (a rollout of this digest was
 * paused: updating again would restart it and take down the replicas that still run).
 */
function planFor(service, image) {
    if (!isSameImage(service.image, image))
        return 'update';
    const state = service.update?.state ?? 'completed';
    if (STUCK.includes(state))
        return 'stuck';
    return UNDER_WAY.includes(state) ? 'update' : 'unchanged';
}
/** Why a job is never updated: it runs to completion, there is no rollout to wait for. */
const JOB_VERDICT = failed('is a Swarm job (it runs to completion), not a service to roll out; run jobs with docker service create');
/** The error of the newest failed task of `image`, named as `which`: what Swarm reacted to. */
function taskError(tasks, image, which = 'a new task') {
    const failedTask = tasks.find((task) => task.error && isSameImage(task.image, image));
    return failedTask ? `; ${which} failed: ${failedTask.error}` : '';
}
/** Every replica wanted must run the digest; `already` when no update was made. */
function replicaCheck(now, already) {
    const { desired, onImage } = now.replicas;
    const setTo = already ? 'already set to' : 'updated to';
    // Nothing runs the digest, so nothing was deployed: the spec only says what a task would run.
    if (desired === 0)
        return {
            status: 'no-match',
            message: `${setTo} the pushed digest, but no task runs it: ${now.service.mode === 'global'
                ? 'no node is eligible for this global service (placement constraints, node availability)'
                : 'the service is scaled to 0 replicas'}`,
        };
    const count = desired === undefined ? `${onImage}` : `${onImage}/${desired}`;
    if (desired !== undefined && onImage < desired)
        return failed(`${setTo} the pushed digest, but only ${onImage} of ${desired} replicas run it`);
    return already
        ? { status: 'no-change', message: `already runs the pushed digest (${count} replicas)` }
        : { status: 'updated', message: `${count} replicas run the pushed digest` };
}
/** The outcome when no update was made (planFor said `unchanged` or `stuck`). */
function unchangedVerdict(now, image) {
    const update = now.service.update;
    if (update && STUCK.includes(update.state))
        return {
            status: 'paused',
            message: `already set to the pushed digest, whose rollout Swarm paused earlier (${update.message}); not retried, which would take down the replicas still running: roll back (docker service update --rollback ${now.service.name}) or push a fix${taskError(now.tasks, image)}`,
        };
    return replicaCheck(now, true);
}
/** Swarm's failure actions: a new task failed and Swarm rolled back, or paused. */
const FAILURE_ACTIONS = {
    rollback_completed: (_swarmSays, previous) => ({
        status: 'rolled-back',
        message: `the update failed and Swarm rolled back to ${previous}`,
    }),
    paused: (swarmSays) => ({ status: 'paused', message: `Swarm paused the update${swarmSays}` }),
    rollback_paused: (swarmSays) => ({
        status: 'paused',
        message: `the update failed and Swarm paused its rollback${swarmSays}`,
    }),
};
/** The service's outcome, from what Swarm says after the update (never from the exit code alone). */
function rolloutVerdict({ before, image, commandError, timedOutAfter, now, }) {
    if ('readBackError' in now) {
        if (commandError)
            return failed(commandError);
        const waited = timedOutAfter
            ? `not converged within ${timedOutAfter} s (swarm-timeout)`
            : 'docker service update succeeded';
        return {
            status: timedOutAfter ? 'failed' : 'unconfirmed',
            message: `${waited}, but the service could not be read back: ${now.readBackError}`,
        };
    }
    const update = now.service.update;
    // A rollout this update started has a new start time; any other state is an earlier one's.
    const state = update && update.startedAt !== before.update?.startedAt ? update.state : undefined;
    if (commandError && !state)
        return failed(commandError);
    const swarmSays = update?.message ? ` (${update.message})` : '';
    const failureAction = state && FAILURE_ACTIONS[state];
    if (failureAction) {
        const verdict = failureAction(swarmSays, now.service.image);
        // A paused rollback stopped on a task of the image before: why it failed too.
        const rollbackError = state === 'rollback_paused' ? taskError(now.tasks, before.image, 'a rollback task') : '';
        return { ...verdict, message: verdict.message + taskError(now.tasks, image) + rollbackError };
    }
    if ((state && UNDER_WAY.includes(state)) || (timedOutAfter && state !== 'completed')) {
        const doing = state === 'rollback_started' ? 'rolling back' : 'updating';
        return failed(timedOutAfter
            ? `not converged within ${timedOutAfter} s (swarm-timeout): Swarm is still ${doing}${swarmSays} and goes on without the step`
            : `${commandError ?? 'docker stopped waiting'}: Swarm is still ${doing}${swarmSays}`);
    }
    if (!isSameImage(now.service.image, image))
        return failed(`the service runs ${now.service.image}, not the pushed digest${commandError ? `: ${commandError}` : ''}`);
    return replicaCheck(now, false);
}

// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(5625);
;// CONCATENATED MODULE: ./src/deploy/swarm-update.ts
// Rolls the pushed digest out to Swarm services, all at once, with the docker CLI pointed at the
// manager; what each service did is read back from Swarm (swarm.ts). Never throws: each
// service's failure is part of its result.







/** How long reading a service back may take once its rollout has ended or timed out. */
const READ_BACK_MS = 30_000;
/** The PEM texts as the files docker reads, in the step's folder (removed when the step ends). */
function writeTlsFiles(workspaceDir, tls) {
    const dir = external_node_path_.join(workspaceDir, 'swarm-tls');
    external_node_fs_.mkdirSync(dir, { mode: 0o700 });
    for (const part of ['ca', 'cert', 'key']) {
        external_node_fs_.writeFileSync(external_node_path_.join(dir, TLS_FILES[part]), tls[part], { mode: 0o600 });
    }
    return dir;
}
/** docker's own words for why a command failed: its last line. */
function dockerMessage(error) {
    if (!(error instanceof cli/* DockerError */.Bi))
        return error.message;
    return error.output.trim().split('\n').at(-1)?.trim() || error.message;
}
async function updateService(entry, image, swarm) {
    const start = performance.now();
    // swarm-timeout bounds the whole service: reading it, and waiting for Swarm's verdict.
    const deadline = start + swarm.inputs.timeoutSeconds * 1000;
    const run = (args, options = {}) => (0,cli/* docker */.T3)([...swarm.connection, ...args], {
        echo: 'none',
        capture: true,
        timeoutMs: Math.max(1, deadline - performance.now()),
        ...options,
    });
    const readBack = { timeoutMs: READ_BACK_MS };
    const withTasks = (service, tasks) => {
        const list = parseTasks(tasks);
        return { service, tasks: list, replicas: countReplicas(service, list, image) };
    };
    /** The service and its tasks after the update, both asked at once. */
    const readNow = async (id) => {
        const [service, tasks] = await Promise.all([
            run(inspectArgs(id), readBack),
            run(tasksArgs(id), readBack),
        ]);
        return withTasks(parseService(service), tasks);
    };
    let name = entry.name;
    let previousImage = '';
    const result = (verdict, now) => ({
        kind: 'swarm',
        service: name,
        endpoint: swarm.inputs.host,
        image,
        previousImage,
        replicas: now?.replicas,
        durationMs: performance.now() - start,
        ...verdict,
    });
    let before;
    try {
        before = parseService(await run(inspectArgs(entry.name)));
    }
    catch (error) {
        return result({ status: 'failed', message: dockerMessage(error) });
    }
    // docker also takes a unique prefix of an id: only a name or a whole id is taken as given.
    if (before.name !== entry.name && before.id !== entry.name)
        return result({
            status: 'failed',
            message: `no service is named "${entry.name}" (docker took it as a prefix of the id of service ${before.name}; give the name)`,
        });
    name = before.name;
    previousImage = before.image;
    const claimedBy = swarm.claimed.get(before.id);
    if (claimedBy)
        return result({
            status: 'failed',
            message: `listed twice in swarm-services (as "${claimedBy}" and "${entry.name}"): updated once, as "${claimedBy}"`,
        });
    swarm.claimed.set(before.id, entry.name);
    if (before.mode === 'job')
        return result(JOB_VERDICT);
    const plan = planFor(before, image);
    if (plan !== 'update') {
        try {
            // Nothing was changed: the service as first read, and its tasks.
            const now = withTasks(before, await run(tasksArgs(before.id), readBack));
            return result(unchangedVerdict(now, image), now);
        }
        catch (error) {
            return result({
                status: 'unconfirmed',
                message: `already set to the pushed digest, but its tasks could not be read: ${dockerMessage(error)}`,
            });
        }
    }
    // A global service that no node is eligible for has no task: docker would wait for one until
    // swarm-timeout. Its spec is still updated, for a node that becomes eligible later.
    let wait = true;
    if (before.mode === 'global') {
        try {
            wait = withTasks(before, await run(tasksArgs(before.id))).replicas.desired !== 0;
        }
        catch (error) {
            return result({ status: 'failed', message: dockerMessage(error) });
        }
    }
    core/* info */.pq(`${name}: updating to ${image}`);
    let commandError;
    let timedOutAfter;
    let previousLine = '';
    try {
        await run(updateArgs(before.id, image, wait), {
            capture: false,
            // docker repeats its progress line every few hundred milliseconds: each change is logged,
            // behind the service's name (which also keeps docker's text from reading as a command).
            onLine: (line) => {
                if (line.trim() && line !== previousLine)
                    core/* info */.pq(`${name}: ${line}`);
                previousLine = line;
            },
        });
    }
    catch (error) {
        const ending = error instanceof cli/* DockerError */.Bi ? error.ending : 'exit';
        if (ending === 'not-started')
            return result({ status: 'failed', message: 'not updated: the step was cancelled first' });
        if (ending === 'stopped')
            return result({
                status: 'unconfirmed',
                message: 'the step was cancelled during the rollout; Swarm goes on with it',
            });
        if (ending === 'timeout')
            timedOutAfter = swarm.inputs.timeoutSeconds;
        else
            commandError = dockerMessage(error);
    }
    let now;
    try {
        now = await readNow(before.id);
    }
    catch (error) {
        now = { readBackError: dockerMessage(error) };
    }
    const verdict = rolloutVerdict({ before, image, commandError, timedOutAfter, now });
    return result(verdict, 'service' in now ? now : undefined);
}
/** Every service at once, each pinned to the digest of its repository. */
async function updateServices(inputs, report, workspaceDir) {
    if (inputs.host.startsWith('tcp://') && !inputs.tls)
        (0,log/* warning */.$)(`swarm-host ${inputs.host} without swarm-tls-*: the connection is neither encrypted nor authenticated, and whoever reaches that port controls the manager`);
    const tlsDir = inputs.tls ? writeTlsFiles(workspaceDir, inputs.tls) : undefined;
    const swarm = {
        inputs,
        connection: connectionArgs(inputs.host, tlsDir),
        claimed: new Map(),
    };
    core/* info */.pq(`Updating ${inputs.services.length} Swarm service(s) on ${inputs.host || "the runner's docker"}`);
    const services = await Promise.all(inputs.services.map((entry) => updateService(entry, (0,src_report/* pinnedImage */.QJ)(report, entry.repository), swarm)));
    for (const service of services)
        core/* info */.pq(`${service.service}: ${service.status} ${service.message}`);
    return services;
}

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
    requestSent;
    name = 'TimeoutError';
    /** Whether the request had reached the host (written to its connection) when time ran out. */
    constructor(requestSent) {
        super(requestSent ? 'no answer in time' : 'not sent in time');
        this.requestSent = requestSent;
    }
}
/** The connection ended after the whole request was sent, before any answer. */
class DroppedError extends Error {
    cause;
    name = 'DroppedError';
    constructor(cause) {
        super(cause.message);
        this.cause = cause;
    }
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
        let sent = false;
        // 'finish': the whole request was handed to the host's connection (after a proxy's CONNECT).
        request.on('finish', () => (sent = true));
        const timer = setTimeout(() => {
            reject(new TimeoutError(sent));
            request.destroy();
        }, timeoutMs);
        request.on('error', (error) => {
            clearTimeout(timer);
            reject(sent ? new DroppedError(error) : error);
        });
        request.end();
    });
}

;// CONCATENATED MODULE: ./src/deploy/watchtower.ts


/** Time the step waits beyond the host's limit, for the answer it gives at that limit. */
const ANSWER_GRACE_SECONDS = 5;
/** Always names the images: without `image=` upstream silently does nothing while busy. */
function updateUrl(baseUrl, request) {
    const images = request.images.map(encodeURIComponent).join(',');
    // Whole milliseconds: Go's time.ParseDuration takes `1500ms`, not `1.5e3s`.
    const how = request.limitMs === undefined ? '&async=true' : `&timeout=${Math.round(request.limitMs)}ms`;
    return `${baseUrl.replace(/\/+$/, '')}/v1/update?image=${images}${how}`;
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
    const familiar = (0,docker_digest/* familiarRepository */.Yu)(repository);
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
/** What an update cut short leaves: docker finishes the stop Watchtower asked for, alone. */
const CUT_SHORT = 'a container it was replacing may be left stopped (docker completes the stop, nothing starts it again); look at the host';
const seconds = (ms) => `${Number((ms / 1000).toFixed(1))} s`;
function interpretResponse(httpStatus, body, timing) {
    const verdict = (status, message, counts) => ({
        status,
        message,
        counts,
    });
    if (httpStatus === 401 || httpStatus === 403)
        return verdict('failed', `token rejected (HTTP ${httpStatus}): watchtower-token must equal WATCHTOWER_HTTP_API_TOKEN on the host`);
    if (httpStatus === 404 || httpStatus === 405)
        return verdict('failed', `no update endpoint here (HTTP ${httpStatus}): is it enabled (WATCHTOWER_HTTP_API_ENDPOINTS=update, or WATCHTOWER_HTTP_API_UPDATE=true before 1.20), and is the URL the API's base?`);
    if (httpStatus === 408)
        return verdict('failed', `the host stopped the update at its own limit (HTTP 408: WATCHTOWER_HTTP_API_UPDATE_TIMEOUT, 10 min by default, is below watchtower-timeout): ${CUT_SHORT}`);
    if (httpStatus === 202)
        return verdict('unconfirmed', 'accepted; the update runs in the background (HTTP 202, watchtower-wait: false)');
    if (httpStatus < 200 || httpStatus >= 300)
        return verdict('failed', `Watchtower answered HTTP ${httpStatus}`);
    if (!body.trim())
        return verdict('unconfirmed', `HTTP ${httpStatus} with an empty body: the host took the request but does not say what it updated (containrrr/watchtower 1.7.1, or the fork before 1.12.0)`);
    const counts = parseCounts(body);
    if (!counts)
        return verdict('failed', `not a Watchtower API: HTTP ${httpStatus} with "${bodyStart(body)}" (a proxy, a login page or another server answered)`);
    const tally = `scanned ${counts.scanned}, updated ${counts.updated}, failed ${counts.failed}${counts.skipped ? `, skipped ${counts.skipped}` : ''}`;
    // The fork answers at `timeout=` with what it had done. The answer took at least that long
    // (measured from before the connection, so an answer just under it may count too).
    const cut = timing.limitMs !== undefined && timing.elapsedMs >= timing.limitMs;
    if (counts.failed > 0)
        return verdict('failed', cut
            ? `${tally}: the host stopped at the ${seconds(timing.limitMs)} it was given (watchtower-timeout): ${CUT_SHORT}`
            : `${tally}: the host could not update every container (Watchtower's log says why)`, counts);
    // The limit also counts the wait for another update's lock, and a pull: run out there, the
    // fork answers all zero, as for a host that runs none of the images.
    if (cut && counts.scanned + counts.skipped === 0)
        return verdict('failed', `${tally}: the host's ${seconds(timing.limitMs)} (watchtower-timeout) ran out before it had scanned anything: it waited that long for another update, or for a pull; Watchtower's log says which`, counts);
    // Skipped is outside `scanned`, and a cooldown is told apart from a failed pull, or from a
    // container the fork cannot recreate because its image is gone, only in Watchtower's log.
    if (counts.skipped > 0)
        return verdict('deferred', `${tally}: the host skipped ${counts.skipped} for now; a cooldown (WATCHTOWER_COOLDOWN_DELAY, or the container's cooldown-delay label) defers an image this new until it is old enough, a new image the host cannot check or pull (its registry login) is skipped the same way, and so is a container whose own image is gone from the host (for one, on the containerd image store a buildx build on that host removes the image it replaces: moby/moby#48907): Watchtower's log says which`, counts);
    if (counts.updated > 0)
        return verdict('updated', tally, counts);
    if (counts.scanned === 0)
        return verdict('no-match', `${tally}: no container here runs these images (check the container's image name and, with WATCHTOWER_LABEL_ENABLE, its com.centurylinklabs.watchtower.enable label), or the host could not list its containers (its docker unreachable: Watchtower's log says)`, counts);
    return verdict('unconfirmed', `${tally}: nothing updated; the containers run the pushed image already, or the host holds them back (monitor-only, an image pinned by digest): Watchtower's answer does not say which`, counts);
}
/** Seconds from `Retry-After`; a default when absent or unreadable. */
function retryAfterMs(value, fallbackMs = 5000) {
    const seconds = Number(value);
    return value !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallbackMs;
}

// EXTERNAL MODULE: ./src/redaction.ts
var redaction = __webpack_require__(1066);
;// CONCATENATED MODULE: ./src/deploy/watchtower-update.ts
// Asks every Watchtower host to update, all at once, and collects what each did. Never throws:
// each host's failure is part of its result.






const MAX_ATTEMPTS = 3;
/** A retry after a 429 only while the host would still get this long for the update. */
const MIN_LIMIT_MS = 1000;
/**
 * The images to update: as given, else each pushed repository; each in every spelling Watchtower
 * may need to match it (imageSpellings), once.
 */
function imagesToUpdate(watchtower, tags) {
    const repositories = watchtower.images.length > 0
        ? watchtower.images
        : tags.map((tag) => (0,reference/* repositoryOf */._)((0,reference/* parseImageReference */.o)(tag)));
    return [...new Set(repositories.flatMap(imageSpellings))];
}
function networkMessage(error, budgetSeconds) {
    if (error instanceof TimeoutError)
        return `the request did not reach it within ${budgetSeconds} s`;
    const { code, message } = error;
    if (code === 'ECONNREFUSED') {
        return "connection refused: is Watchtower's HTTP API on, on this port?";
    }
    return `could not reach the host: ${code ?? message}`;
}
async function updateHost(baseUrl, images, watchtower) {
    const start = performance.now();
    // One deadline for the host, retries included: watchtower-timeout, and a few seconds for the
    // answer the host gives at its limit.
    const budgetSeconds = watchtower.timeoutSeconds + ANSWER_GRACE_SECONDS;
    const deadline = start + budgetSeconds * 1000;
    const limitLeft = () => deadline - performance.now() - ANSWER_GRACE_SECONDS * 1000;
    const result = (partial) => ({
        kind: 'watchtower',
        url: baseUrl,
        durationMs: performance.now() - start,
        ...partial,
    });
    const unanswered = (message) => result({ status: 'unconfirmed', httpStatus: undefined, counts: undefined, message });
    for (let attempt = 1;; attempt++) {
        const sentAt = performance.now();
        // What is left of watchtower-timeout: a retry gives the host less, so it stops in time.
        const request = { images, limitMs: watchtower.wait ? limitLeft() : undefined };
        let response;
        try {
            response = await post(updateUrl(baseUrl, request), { Authorization: `Bearer ${watchtower.token}` }, Math.max(1, deadline - sentAt));
        }
        catch (error) {
            // The host has the request and may still be updating: the step only stopped waiting.
            if (error instanceof TimeoutError && error.requestSent)
                return unanswered(`took the request, but gave no answer within ${budgetSeconds} s (watchtower-timeout, and ${ANSWER_GRACE_SECONDS} s for the answer): it may still be updating`);
            if (error instanceof DroppedError)
                return unanswered(`took the request, then closed the connection without an answer (${error.cause.code ?? error.message}): it may or may not have updated; containrrr/watchtower 1.7.1 does this when it cannot reach its docker, and a proxy may when a request runs long`);
            return result({
                status: 'failed',
                httpStatus: undefined,
                counts: undefined,
                message: networkMessage(error, budgetSeconds),
            });
        }
        if (response.status === 429) {
            const wait = retryAfterMs(response.retryAfter);
            if (attempt < MAX_ATTEMPTS && limitLeft() - wait >= MIN_LIMIT_MS) {
                core/* info */.pq(`${baseUrl}: rate-limited (HTTP 429); retrying in ${wait / 1000} s`);
                await new Promise((resolve) => setTimeout(resolve, wait));
                continue;
            }
            return result({
                status: 'failed',
                httpStatus: 429,
                counts: undefined,
                message: `still rate-limited after ${attempt} attempt(s) (HTTP 429)`,
            });
        }
        const timing = { limitMs: request.limitMs, elapsedMs: performance.now() - sentAt };
        return result({
            httpStatus: response.status,
            // Redacted before its start is quoted: a secret cut in half would no longer be found.
            ...interpretResponse(response.status, (0,redaction/* redactForStep */.x0)(response.body), timing),
        });
    }
}
/** Every host at once; the token is checked by the caller. */
async function updateHosts(watchtower, tags) {
    const images = imagesToUpdate(watchtower, tags);
    const unmatched = imagesWithRegistryPort(images);
    if (unmatched.length > 0) {
        (0,log/* warning */.$)(`containrrr/watchtower 1.7.1 cuts image names at the first ":", so it never matches ${unmatched.join(', ')}; the maintained fork (nickfedor/watchtower) does`);
    }
    core/* info */.pq(`Asking ${watchtower.urls.length} Watchtower host(s) to update ${images.join(', ')}`);
    const hosts = await Promise.all(watchtower.urls.map((url) => updateHost(url, images, watchtower)));
    for (const host of hosts)
        core/* info */.pq(`${host.url}: ${host.status} ${host.message}`);
    return hosts;
}

;// CONCATENATED MODULE: ./src/deploy/stage.ts
// The deployment stage: Watchtower hosts and Swarm services, all at once, each target's outcome
// in one result shape. Never throws: each target's failure is part of its result.





/** `deployed` only when every target confirmed; one failed target makes it `partial`. */
function deployStatus(targets) {
    const failed = targets.filter((target) => (0,src_report/* isFailedTarget */.RQ)(target.status)).length;
    if (failed === targets.length)
        return 'failed';
    if (failed > 0)
        return 'partial';
    return targets.some((target) => (0,src_report/* isUnconfirmedTarget */.s)(target.status)) ? 'unconfirmed' : 'deployed';
}
/** Every target at once. */
async function deploy(inputs, report, workspaceDir) {
    const skip = (reason) => {
        core/* info */.pq(`Deployment skipped: ${reason}`);
        return { status: 'skipped', targets: [], reason };
    };
    if (report.failure)
        return skip(`the ${report.failure.stage} stage failed`);
    if (!report.push)
        return skip('nothing was pushed (push is false)');
    const reasons = [];
    const runs = [];
    if (inputs.watchtower?.token) {
        runs.push(updateHosts(inputs.watchtower, report.tags));
    }
    else if (inputs.watchtower) {
        (0,log/* warning */.$)('watchtower-token is empty (pull requests from forks get no secrets): the Watchtower hosts are skipped');
        reasons.push('Watchtower hosts skipped: watchtower-token is empty');
    }
    if (inputs.swarm)
        runs.push(updateServices(inputs.swarm, report, workspaceDir));
    const targets = (await Promise.all(runs)).flat();
    const reason = reasons.join('; ');
    if (targets.length === 0)
        return { status: 'skipped', targets, reason };
    return { status: deployStatus(targets), targets, reason };
}


/***/ })

};
