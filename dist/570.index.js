export const id = 570;
export const ids = [570];
export const modules = {

/***/ 1670:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bi: () => (/* binding */ DockerError),
/* harmony export */   LI: () => (/* binding */ stopDockerCommands),
/* harmony export */   T3: () => (/* binding */ docker)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6193);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_string_decoder__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _output_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7807);
/* harmony import */ var _redaction_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1066);
// The one place that runs the docker CLI. Arguments are always an array (no shell). docker's
// output streams to the log; only a bounded tail of it is kept (for a failure report), so memory
// stays flat however much a build prints. Running commands can be stopped when the step is
// cancelled, which is why this spawns docker itself (@actions/exec gives no handle on the child).





/** Stdout kept for a command whose output is data (a manifest, JSON): far above any real one. */
const CAPTURE_LIMIT = 8 * 1024 * 1024;
/** What a side-by-side command (echo `after`) prints once it ends: its last lines. */
const AFTER_LINES = 200;
const AFTER_LINE_CHARS = 2000;
/** How long a stopped docker command gets to cancel its build or push before it is killed. */
const STOP_GRACE_MS = 2000;
class DockerError extends Error {
    command;
    exitCode;
    output;
    ending;
    /** docker's last lines, then what the step says about how it ended (for a failure report). */
    logTail;
    constructor(command, exitCode, 
    /** docker's own last lines. */
    output, 
    /**
     * How it ended: by itself, stopped because the step was cancelled (or never started once it
     * was), or stopped after `timeoutMs`.
     */
    ending = 'exit', note = '') {
        super(`docker ${command} failed with exit code ${exitCode}`);
        this.command = command;
        this.exitCode = exitCode;
        this.output = output;
        this.ending = ending;
        this.name = 'DockerError';
        this.logTail = [output, note].filter(Boolean).join('\n');
    }
}
const running = new Set();
let stoppedBy;
/**
 * Stops every running docker command and refuses to start more. Each runs in a process group of
 * its own, which gets SIGINT as a terminal's Ctrl-C would send it: docker and its plugins (buildx
 * is a process of its own under docker) cancel the build or push. SIGKILL follows if the group
 * is still there after a grace period.
 */
function stopDockerCommands(reason, options = {}) {
    stoppedBy = reason;
    for (const child of running) {
        // With no grace left (the step is about to exit), nothing may outlive it.
        if (options.now)
            signalGroup(child, 'SIGKILL');
        else
            interrupt(child);
    }
}
function signalGroup(child, signal) {
    try {
        process.kill(-child.pid, signal);
    }
    catch {
        // The group has ended.
    }
}
/** Ctrl-C for the command's group, then SIGKILL if it is still there after a grace period. */
function interrupt(child) {
    signalGroup(child, 'SIGINT');
    setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS).unref();
}
/**
 * Wraps output in a stop-commands block: docker's output includes whatever the Dockerfile's RUN
 * steps print, and the runner must not execute a workflow command (`::add-mask::`…) hidden in it.
 */
async function inert(print) {
    const resume = (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomUUID)();
    process.stdout.write(`::stop-commands::${resume}\n`);
    try {
        return await print();
    }
    finally {
        process.stdout.write(`::${resume}::\n`);
    }
}
/** Runs `docker …args`; resolves with its stdout when `capture` is set, rejects with DockerError. */
async function docker(args, options = {}) {
    const echo = options.echo ?? 'stream';
    const command = args.slice(0, args[0] === 'buildx' ? 2 : 1).join(' ');
    if (stoppedBy)
        throw new DockerError(command, 130, '', 'not-started', `not started: ${stoppedBy}`);
    const tail = new _output_js__WEBPACK_IMPORTED_MODULE_3__/* .LineTail */ .Zw(undefined, undefined, options.onLine, _redaction_js__WEBPACK_IMPORTED_MODULE_4__/* .redactForStep */ .x0);
    const after = echo === 'after'
        ? new _output_js__WEBPACK_IMPORTED_MODULE_3__/* .LineTail */ .Zw(AFTER_LINES, AFTER_LINE_CHARS, undefined, _redaction_js__WEBPACK_IMPORTED_MODULE_4__/* .redactForStep */ .x0)
        : undefined;
    const captured = [];
    let capturedBytes = 0;
    let timedOut = false;
    const run = () => new Promise((resolve, reject) => {
        if (echo === 'stream')
            process.stdout.write(`[command]docker ${args.join(' ')}\n`);
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)('docker', args, {
            // Extra variables are added to the step's environment, not put in its place.
            env: options.env ? { ...process.env, ...options.env } : process.env,
            stdio: ['pipe', 'pipe', 'pipe'],
            // A process group of its own, so that stopDockerCommands reaches buildx under docker.
            detached: true,
        });
        running.add(child);
        const timer = options.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                interrupt(child);
            }, options.timeoutMs);
        const follow = (stream, isStdout) => {
            const decoder = new node_string_decoder__WEBPACK_IMPORTED_MODULE_2__.StringDecoder('utf8');
            stream.on('data', (data) => {
                // Data (a manifest, JSON) is not a log line: it is kept whole, out of the tail.
                if (isStdout && options.capture) {
                    capturedBytes += data.length;
                    if (capturedBytes <= CAPTURE_LIMIT)
                        captured.push(data);
                    return;
                }
                const text = decoder.write(data);
                tail.push(text);
                after?.push(text);
                // A slow log reader holds docker back instead of filling this process's memory.
                if (echo === 'stream' && !process.stdout.write(data)) {
                    stream.pause();
                    process.stdout.once('drain', () => stream.resume());
                }
            });
            stream.on('end', () => {
                const rest = decoder.end();
                tail.push(rest);
                after?.push(rest);
            });
        };
        follow(child.stdout, true);
        follow(child.stderr, false);
        child.on('error', (error) => {
            running.delete(child);
            clearTimeout(timer);
            reject(error);
        });
        child.on('close', (code, signal) => {
            running.delete(child);
            clearTimeout(timer);
            resolve(code ?? (signal ? 128 : 1));
        });
        child.stdin.on('error', () => { }); // docker may exit before reading its input
        child.stdin.end(options.input);
    });
    let exitCode;
    try {
        exitCode = echo === 'stream' ? await inert(run) : await run();
    }
    catch (error) {
        // spawn fails when the binary cannot be started at all (docker not installed).
        throw new DockerError(command, 127, error.message);
    }
    tail.end();
    if (after) {
        after.end();
        const text = after.text();
        await inert(async () => process.stdout.write(`[command]docker ${args.join(' ')}\n${text ? `${text}\n` : ''}`));
    }
    // A stopped command proves nothing, whatever its exit code (classic `docker build` can exit 0
    // when its build is cancelled).
    if (stoppedBy)
        throw new DockerError(command, exitCode || 130, tail.text(), 'stopped', `stopped: ${stoppedBy}`);
    if (timedOut)
        throw new DockerError(command, exitCode || 124, tail.text(), 'timeout', `stopped after ${options.timeoutMs / 1000} s`);
    if (exitCode !== 0)
        throw new DockerError(command, exitCode, tail.text());
    if (capturedBytes > CAPTURE_LIMIT)
        throw new DockerError(command, 0, `printed more than ${CAPTURE_LIMIT} bytes of data`);
    return options.capture ? Buffer.concat(captured).toString('utf8') : '';
}


/***/ }),

/***/ 786:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ks: () => (/* binding */ parseStoredImage),
/* harmony export */   Yu: () => (/* binding */ familiarRepository),
/* harmony export */   jX: () => (/* binding */ crossCheckDigest),
/* harmony export */   k1: () => (/* binding */ crossCheckServed),
/* harmony export */   o9: () => (/* binding */ digestFromPushOutput)
/* harmony export */ });
/* unused harmony export parseRepoDigests */
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2977);
// Reading digests back from what docker wrote, in the formats docker really writes them.

/** `v1: digest: sha256:… size: 943`, the last line `docker push` prints for a tag. */
function digestFromPushOutput(output) {
    const matches = [...output.matchAll(/: digest: (sha256:[a-f0-9]{64}) size: \d+/g)];
    return matches.at(-1)?.[1];
}
/** Docker's short ("familiar") repository name: `docker.io/library/x` → `x`. */
function familiarRepository(repository) {
    return repository.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}
/** Only the containerd store describes an image's manifest (`Descriptor`, API 1.48 on). */
function parseStoredImage(json) {
    const image = JSON.parse(json);
    return {
        repoDigests: parseRepoDigests(image.RepoDigests),
        containerdStore: typeof image.Descriptor === 'object' && image.Descriptor !== null,
    };
}
/** RepoDigests (`repository@digest`, …) → repository → digests. */
function parseRepoDigests(entries) {
    const byRepository = new Map();
    if (!Array.isArray(entries))
        return byRepository;
    for (const entry of entries) {
        const [repository = '', digest = ''] = String(entry).split('@');
        const key = familiarRepository(repository);
        byRepository.set(key, [...(byRepository.get(key) ?? []), digest]);
    }
    return byRepository;
}
/**
 * Checks the digest `docker push` printed for a tag against the daemon's RepoDigests (what the
 * registry answered the push, on a graph driver store).
 * Returns a problem description, or undefined when they agree.
 */
function crossCheckDigest(tag, pushed, repoDigests) {
    const repository = familiarRepository((0,_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .repositoryOf */ ._)((0,_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .parseImageReference */ .o)(tag)));
    const recorded = repoDigests.get(repository) ?? [];
    if (recorded.includes(pushed))
        return undefined;
    return recorded.length === 0
        ? `docker push printed ${pushed} for ${tag}, but docker image inspect records no digest for ${repository}`
        : `docker push printed ${pushed} for ${tag}, but docker image inspect records ${recorded.join(', ')}`;
}
/**
 * Checks the digest `docker push` printed for a tag against the one the registry serves for it.
 * Returns a problem description, or undefined when they agree.
 */
function crossCheckServed(tag, pushed, served) {
    return pushed === served
        ? undefined
        : `docker push printed ${pushed} for ${tag}, but the registry serves ${served} for it`;
}


/***/ }),

/***/ 7807:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Zw: () => (/* binding */ LineTail),
/* harmony export */   w$: () => (/* binding */ lastLines)
/* harmony export */ });
/* unused harmony exports TAIL_LINES, LINE_CHARS, cutLine */
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8992);
// What is kept of a docker command's output: the last lines, each cut to a fixed length, so that
// a build printing gigabytes, or one line of megabytes, costs the same memory as any other and
// its failure report fits a job summary and an email. Pure: text in, bounded lines out.

/** Lines kept for a failure report. */
const TAIL_LINES = 20;
/** Characters kept of one line; the rest is counted and replaced by a marker. */
const LINE_CHARS = 600;
/** Terminal colour and cursor codes: noise in a summary or an email. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
/** A line cut to `max` characters, saying how many were left out. */
function cutLine(line, max = LINE_CHARS, dropped = 0) {
    const extra = Math.max(0, line.length - max) + dropped;
    return extra > 0 ? `${line.slice(0, max)} … [${(0,_text_js__WEBPACK_IMPORTED_MODULE_0__/* .groupDigits */ .K9)(extra)} more characters cut]` : line;
}
/**
 * Splits a stream of text into lines, holding at most `maxChars` of a line not yet ended, and
 * keeps the last `maxLines` of them. Each complete line also goes to `onLine` (cut the same way,
 * not redacted: it is read for digests, and logged, which the runner masks).
 */
class LineTail {
    maxLines;
    maxChars;
    onLine;
    redact;
    lines = [];
    partial = '';
    partialDropped = 0;
    constructor(maxLines = TAIL_LINES, maxChars = LINE_CHARS, onLine, 
    /**
     * The step's redaction, for `text()`: each kept line passes it before it is cut (a secret cut
     * in half would not be recognised), told whether part of the line was never held.
     */
    redact = (text) => text) {
        this.maxLines = maxLines;
        this.maxChars = maxChars;
        this.onLine = onLine;
        this.redact = redact;
    }
    push(text) {
        let start = 0;
        for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
            this.append(text.slice(start, end));
            this.finishLine();
            start = end + 1;
        }
        this.append(text.slice(start));
    }
    /** Ends the output: a last line without a newline still counts. */
    end() {
        if (this.partial || this.partialDropped)
            this.finishLine();
    }
    /** The kept lines, redacted, each cut: only these few, when a report asks for them. */
    text() {
        return this.lines
            .map(({ text, dropped }) => 
        // What was not held may have been the rest of a secret whose start ends the text.
        cutLine(this.redact(text, dropped > 0), this.maxChars, dropped))
            .join('\n')
            .trimEnd();
    }
    append(piece) {
        // Room is kept for a colour code cut in half; codes are removed once the line is whole.
        const room = this.maxChars + 64 - this.partial.length;
        this.partial += piece.slice(0, Math.max(0, room));
        this.partialDropped += Math.max(0, piece.length - Math.max(0, room));
    }
    finishLine() {
        const held = {
            text: this.partial.replace(ANSI, '').replace(/\r$/, ''),
            dropped: this.partialDropped,
        };
        this.partial = '';
        this.partialDropped = 0;
        this.onLine?.(cutLine(held.text, this.maxChars, held.dropped));
        if (!held.text.trim() && !held.dropped)
            return; // blank lines would only take the place of useful ones
        this.lines.push(held);
        if (this.lines.length > this.maxLines)
            this.lines.shift();
    }
}
/** The last `count` lines of a text, cut like a docker tail (for texts already in memory). */
function lastLines(text, count = TAIL_LINES) {
    const tail = new LineTail(count);
    tail.push(text);
    tail.end();
    return tail.text();
}


/***/ }),

/***/ 2977:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ repositoryOf),
/* harmony export */   o: () => (/* binding */ parseImageReference)
/* harmony export */ });
// Docker image references, checked against the grammar of distribution/reference
// (github.com/distribution/reference, regexp.go) so a bad tag is caught before docker runs.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;
/** `ghcr.io/acme/api:1.0` → `ghcr.io/acme/api`. */
function repositoryOf(ref) {
    return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}
function isDomain(candidate) {
    // Same rule as docker: the first component is a registry when it looks like a host name.
    return candidate.includes('.') || candidate.includes(':') || candidate === 'localhost';
}
function validDomain(domain) {
    const [host = '', port, ...rest] = domain.startsWith('[')
        ? [
            domain.slice(0, domain.indexOf(']') + 1),
            ...domain.slice(domain.indexOf(']') + 2).split(':'),
        ]
        : domain.split(':');
    if (rest.length > 0)
        return false;
    if (port !== undefined && !/^[0-9]+$/.test(port))
        return false;
    if (host.startsWith('['))
        return /^\[[a-fA-F0-9:]+\]$/.test(host);
    return host.split('.').every((label) => DOMAIN_LABEL.test(label));
}
/**
 * Parses a tag reference such as `ghcr.io/acme/api:1.0`.
 * Throws an Error whose message quotes the value and says what is wrong (the caller names the input).
 */
function parseImageReference(value) {
    try {
        return parseParts(value);
    }
    catch (error) {
        throw new Error(`"${value}" is not a valid image reference: ${error.message}`);
    }
}
function parseParts(value) {
    if (value.length === 0)
        throw new Error('an image reference cannot be empty');
    if (/\s/.test(value))
        throw new Error('an image reference cannot contain whitespace');
    if (value.includes('@')) {
        throw new Error('a tag cannot contain a digest (@sha256:…); the digest is an output');
    }
    const slash = value.indexOf('/');
    let domain = '';
    let remainder = value;
    if (slash > 0 && isDomain(value.slice(0, slash))) {
        domain = value.slice(0, slash);
        remainder = value.slice(slash + 1);
        if (!validDomain(domain))
            throw new Error(`"${domain}" is not a valid registry host[:port]`);
    }
    if (remainder.split(':').length > 2) {
        throw new Error('":" may appear only once after the registry host (before the tag)');
    }
    const colon = remainder.lastIndexOf(':');
    const path = colon >= 0 ? remainder.slice(0, colon) : remainder;
    const tag = colon >= 0 ? remainder.slice(colon + 1) : '';
    if (colon >= 0) {
        if (tag.length === 0)
            throw new Error('the tag after ":" is empty');
        if (tag.length > 128)
            throw new Error(`the tag is ${tag.length} characters, at most 128 are allowed`);
        if (!TAG.test(tag)) {
            throw new Error('a tag may only contain letters, digits, "_", "." and "-" and not start with "." or "-"');
        }
    }
    if (path.length === 0)
        throw new Error('the repository name is empty');
    if (path !== path.toLowerCase())
        throw new Error('the repository name must be lowercase');
    for (const component of path.split('/')) {
        if (!COMPONENT.test(component)) {
            throw new Error(`"${component}" is not a valid repository path component (lowercase letters and digits, separated by ".", "_", "__" or "-")`);
        }
    }
    if ((domain ? domain.length + 1 : 0) + path.length > MAX_NAME_LENGTH) {
        throw new Error(`the repository name is longer than ${MAX_NAME_LENGTH} characters`);
    }
    return { domain, path, tag };
}


/***/ }),

/***/ 9248:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fu: () => (/* binding */ shortSha),
/* harmony export */   nl: () => (/* binding */ loadGitHubFacts)
/* harmony export */ });
/* unused harmony exports githubFacts, runContext */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
// The facts of the run that triggered the action: commit, ref, actor and the links to them.

function githubFacts(context, repository) {
    const serverUrl = context.serverUrl.replace(/\/+$/, '');
    const repositoryUrl = repository ? `${serverUrl}/${repository}` : '';
    return {
        repository,
        repositoryUrl,
        sha: context.sha,
        ref: context.ref,
        actor: context.actor,
        workflow: context.workflow,
        eventName: context.eventName,
        action: context.action,
        // As @actions/github's context.issue takes it.
        issue: String((context.payload.issue ?? context.payload.pull_request ?? context.payload).number ?? ''),
        commitMessage: context.payload.head_commit?.message ?? '',
        commitTime: parseTime(context.payload.head_commit?.timestamp),
        commitUrl: repositoryUrl && context.sha ? `${repositoryUrl}/commit/${context.sha}` : '',
        runUrl: repositoryUrl && context.runId ? `${repositoryUrl}/actions/runs/${context.runId}` : '',
    };
}
/**
 * The run's context from the runner's environment and event file, read as @actions/github's
 * `context` reads them (lib/context.ts): importing that package loads Octokit, start-up time on
 * every run for a client no part of this action uses.
 */
function runContext(env, readFile) {
    let payload = {};
    const event = env.GITHUB_EVENT_PATH ? readFile(env.GITHUB_EVENT_PATH) : undefined;
    try {
        payload = event ? JSON.parse(event) : {};
    }
    catch {
        // An unreadable event file costs the commit message and time, not the run.
    }
    const runId = Number.parseInt(env.GITHUB_RUN_ID ?? '', 10);
    return {
        serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
        sha: env.GITHUB_SHA ?? '',
        ref: env.GITHUB_REF ?? '',
        actor: env.GITHUB_ACTOR ?? '',
        workflow: env.GITHUB_WORKFLOW ?? '',
        eventName: env.GITHUB_EVENT_NAME ?? '',
        action: env.GITHUB_ACTION ?? '',
        runId: Number.isNaN(runId) ? 0 : runId,
        payload: payload ?? {},
    };
}
function loadGitHubFacts(env = process.env) {
    const context = runContext(env, (file) => {
        try {
            return node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync(file, 'utf8');
        }
        catch {
            return undefined;
        }
    });
    // Locally (no GITHUB_REPOSITORY, no event) the summary and email omit the links.
    const repository = env.GITHUB_REPOSITORY ?? context.payload.repository?.full_name ?? '';
    return githubFacts(context, repository);
}
function parseTime(text) {
    const time = text ? new Date(text) : undefined;
    return time && !Number.isNaN(time.getTime()) ? time : undefined;
}
function shortSha(sha) {
    return sha.slice(0, 7);
}


/***/ }),

/***/ 5625:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ warning),
/* harmony export */   f: () => (/* binding */ fail)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6288);
/* harmony import */ var _redaction_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1066);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8992);
// What the step shows on the run's page besides the log lines: warnings, and the error that
// fails the step. Each passes the step's redaction, as the summary, the outputs and the email do.
// ESLint keeps `core.warning`/`core.setFailed` out of every other file.



function warning(text) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e((0,_redaction_js__WEBPACK_IMPORTED_MODULE_1__/* .redactForStep */ .x0)(text));
}
/** Fails the step with `text` as its error, redacted, then cut to a size: main.ts alone calls it. */
function fail(text) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1((0,_text_js__WEBPACK_IMPORTED_MODULE_2__/* .cutText */ .IN)((0,_redaction_js__WEBPACK_IMPORTED_MODULE_1__/* .redactForStep */ .x0)(text), _text_js__WEBPACK_IMPORTED_MODULE_2__/* .MESSAGE_LIMIT */ .Gy));
}


/***/ }),

/***/ 1570:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6288);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/docker/reference.ts
var docker_reference = __webpack_require__(2977);
;// CONCATENATED MODULE: ./src/docker/args.ts

/** A field of docker's CSV-style flag values (`--secret id=…,src=…`), quoted when it must be. */
function csvField(field) {
    return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
/** Flags each pair of a list gives: `flag item` for every item. */
function repeated(flag, items) {
    return items.flatMap((item) => [flag, item]);
}
function optional(flag, value) {
    return value ? [flag, value] : [];
}
/** A local or tar export (`type=local`, `type=tar`, or a bare path) has no image to name. */
function exportsFiles(build) {
    return build.outputs.some((output) => !/(^|,)type=/.test(output) || /(^|,)type=(local|tar)\b/.test(output));
}
/** Flags both builders have. */
function commonBuildFlags(build, labels, iidFile) {
    return [
        ...optional('--file', build.file),
        // buildx refuses an image id file next to a local or tar export.
        ...(exportsFiles(build) ? [] : ['--iidfile', iidFile]),
        ...(build.pull ? ['--pull'] : []),
        ...(build.noCache ? ['--no-cache'] : []),
        ...optional('--target', build.target),
        ...repeated('--build-arg', build.buildArgs),
        ...repeated('--label', labels),
        ...repeated('--tag', build.tags),
        ...optional('--network', build.network),
        ...repeated('--add-host', build.addHosts),
        ...optional('--shm-size', build.shmSize),
        ...repeated('--ulimit', build.ulimits),
        ...optional('--cgroup-parent', build.cgroupParent),
    ];
}
/** Classic builder (no buildx): builds into the local image store; pushing is separate. */
function classicBuildArgs(build, labels, files) {
    return ['build', ...commonBuildFlags(build, labels, files.iidFile), build.context];
}
/**
 * `--secret` flags. Values are never on the command line: a value secret names the file it was
 * written to, a file secret its file, an environment secret its variable.
 */
function secretFlags(secrets, valueFiles) {
    return secrets.flatMap((secret) => {
        const source = 'value' in secret
            ? `src=${valueFiles[secret.id]}`
            : 'file' in secret
                ? `src=${secret.file}`
                : `env=${secret.variable}`;
        return ['--secret', `${csvField(`id=${secret.id}`)},${csvField(source)}`];
    });
}
/**
 * Where the result goes. Push, or the user's outputs; without either, a single-platform image is
 * loaded into docker like `docker build` does (several platforms cannot be loaded, so they stay in
 * the build cache). An evaluation (`call` other than build) makes no image.
 */
function outputFlags(build) {
    if (build.call && !build.call.startsWith('build'))
        return [];
    const load = build.load || (!build.push && build.outputs.length === 0 && build.platforms.length <= 1);
    return [
        ...repeated('--output', build.outputs),
        ...(build.push ? ['--push'] : load ? ['--load'] : []),
    ];
}
/** `attests` without the types `provenance` and `sbom` set, which win (as in build-push-action). */
function attestsBesides(build) {
    const set = [...(build.provenance ? ['provenance'] : []), ...(build.sbom ? ['sbom'] : [])];
    return build.attests.filter((attest) => !set.some((type) => new RegExp(`(^|,)type=${type}\\b`).test(attest)));
}
/** Buildx: pushes in the same command and writes the pushed digest to the metadata file. */
function buildxBuildArgs(build, labels, files) {
    return [
        'buildx',
        'build',
        ...optional('--builder', build.builder),
        ...commonBuildFlags(build, labels, files.iidFile),
        '--metadata-file',
        files.metadataFile,
        ...(build.platforms.length > 0 ? ['--platform', build.platforms.join(',')] : []),
        ...repeated('--cache-from', build.cacheFrom),
        ...repeated('--cache-to', build.cacheTo),
        ...secretFlags(build.secrets, files.secretFiles),
        ...repeated('--ssh', build.ssh),
        ...repeated('--build-context', build.buildContexts),
        ...optional('--provenance', build.provenance),
        ...optional('--sbom', build.sbom),
        ...repeated('--attest', attestsBesides(build)),
        ...repeated('--annotation', build.annotations),
        ...repeated('--allow', build.allow),
        ...repeated('--no-cache-filter', build.noCacheFilters),
        ...optional('--call', build.call),
        ...outputFlags(build),
        build.context,
    ];
}
/**
 * The same build again, taken from the cache the first run filled, sent to `output`: to push
 * again after a transient registry error, or to load what was pushed (buildx before 0.13 cannot
 * push and load in one command). `no-cache`, `no-cache-filters` and `pull` would rebuild steps
 * and could give another image, so they are dropped.
 */
function fromCache(build, output) {
    return {
        ...build,
        noCache: false,
        noCacheFilters: [],
        pull: false,
        push: output === 'push',
        load: output === 'load',
        outputs: output === 'push' ? build.outputs : [],
    };
}
/**
 * The manifest a reference names, or every image manifest of an index, with the exact bytes the
 * registry serves for each, in one docker process (`docker manifest inspect --verbose`). docker trusts plain http only for a
 * registry on the loopback address, as dockerd does by default: `--insecure` is given for that
 * alone (elsewhere it would also accept any certificate).
 */
function manifestInspectArgs(reference) {
    const { domain } = (0,docker_reference/* parseImageReference */.o)(reference.split('@')[0]);
    const host = domain.replace(/:\d+$/, '');
    const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
    return ['manifest', 'inspect', '--verbose', ...(loopback ? ['--insecure'] : []), reference];
}
/** The manifest or index the registry serves for `reference`, as the exact bytes it serves. */
function rawManifestArgs(reference, builder) {
    return ['buildx', 'imagetools', 'inspect', ...optional('--builder', builder), '--raw', reference];
}
function pushArgs(tag) {
    return ['push', tag];
}
/** The engine's record of an image, as JSON (its RepoDigests, and which store holds it). */
function imageInspectArgs(imageId) {
    return ['image', 'inspect', '--format', '{{json .}}', imageId];
}
/** The password goes through stdin, never argv (argv is visible in `ps` and in the log). */
function loginArgs(registry, username) {
    return ['login', '--username', username, '--password-stdin', ...(registry ? [registry] : [])];
}
/**
 * Environment for `docker buildx build`, each unless the user set it: the commit time as
 * SOURCE_DATE_EPOCH, which buildx hands to BuildKit (≥ 0.11 stamps the image config and history
 * with it); and BUILDX_METADATA_PROVENANCE=disabled, since the step reads no provenance from the
 * metadata file and buildx would fetch it from BuildKit for every build with an attestation
 * (measured in `npm run bench`: see BENCHMARKS.md).
 */
function buildxEnvironment(build, commitTime, env) {
    const userSetEpoch = env.SOURCE_DATE_EPOCH !== undefined ||
        build.buildArgs.some((arg) => arg.startsWith('SOURCE_DATE_EPOCH='));
    return {
        ...(env.BUILDX_METADATA_PROVENANCE === undefined && { BUILDX_METADATA_PROVENANCE: 'disabled' }),
        ...(commitTime &&
            !userSetEpoch && { SOURCE_DATE_EPOCH: String(Math.floor(commitTime.getTime() / 1000)) }),
    };
}
/** OCI labels from the run, unless the user set the same key. */
function defaultLabels(userLabels, facts) {
    const taken = new Set(userLabels.map((label) => label.slice(0, label.indexOf('='))));
    const defaults = [
        ['org.opencontainers.image.source', facts.repositoryUrl],
        ['org.opencontainers.image.revision', facts.sha],
        ['org.opencontainers.image.created', facts.created.toISOString()],
    ];
    return [
        ...defaults
            .filter(([key, value]) => value && !taken.has(key))
            .map(([key, value]) => `${key}=${value}`),
        ...userLabels,
    ];
}

// EXTERNAL MODULE: ./src/report.ts
var src_report = __webpack_require__(665);
;// CONCATENATED MODULE: ./src/docker/check.ts
// What an evaluation (`call: check`, `outline`, `targets`) returned: buildx writes the frontend's
// result into its metadata file (`result.json`, `result.statuscode`), also when the check fails
// the command. Pure.

/** The method of a `call` value (`check,format=json` → `check`); '' for a build. */
function callMethod(call) {
    const method = call.split(',')[0];
    return method === 'build' ? '' : method;
}
/**
 * The warnings of a `check` from buildx's metadata file, or undefined when it holds no check
 * result (another call, an older buildx, a build that failed before the check ran).
 */
function checkWarnings(metadataJson) {
    if (!metadataJson)
        return undefined;
    let result;
    try {
        result = JSON.parse(metadataJson)['result.json'];
    }
    catch {
        return undefined;
    }
    if (!result || typeof result !== 'object')
        return undefined;
    return (result.warnings ?? []).map((warning) => {
        const file = result.sources?.[warning.location?.sourceIndex ?? 0]?.filename ?? 'Dockerfile';
        const line = warning.location?.ranges?.[0]?.start?.line;
        return {
            rule: warning.ruleName ?? 'unnamed rule',
            detail: warning.detail ?? warning.description ?? '',
            where: line ? `${file}:${line}` : file,
            url: warning.url ?? '',
        };
    });
}
/** The stage error's text for a check that found warnings. */
function checkProblem(warnings) {
    const found = warnings.map((w) => `${w.rule} (${w.where}): ${w.detail}`).join('; ');
    return `check found ${(0,src_report/* warningCount */.KL)(warnings.length)}: ${found}`;
}

// EXTERNAL MODULE: ./src/docker/cli.ts
var cli = __webpack_require__(1670);
;// CONCATENATED MODULE: ./src/docker/buildx-output.ts
/**
 * Whether a failed `docker buildx build --push` failed while pushing rather than building, from
 * its last lines: BuildKit says "failed to push <ref>", the docker driver "pushing <ref> with docker".
 */
function failedWhilePushing(logTail) {
    return /failed to push |> pushing \S+ with docker/.test(logTail);
}
/** Inputs whose flag an older buildx does not know, and the first buildx that has it. */
const NEWER_FLAGS = {
    '--annotation': ['annotations', '0.12'],
    '--call': ['call', '0.15'],
};
/** The problem, naming the input, when buildx stopped at a flag it does not know. */
function unknownFlagProblem(logTail) {
    const flag = /unknown flag: (--[a-z-]+)/.exec(logTail)?.[1] ?? '';
    const newer = NEWER_FLAGS[flag];
    return newer
        ? `Input "${newer[0]}": this buildx does not know ${flag} (buildx ${newer[1]} or later has it)`
        : undefined;
}
/**
 * One line of BuildKit's export step in plain progress, e.g. `#5 exporting config sha256:…`.
 * A RUN step's output is printed behind its time (`#7 0.123 …`), so it cannot look like one.
 */
const EXPORT_LINE = /^#(\d+) exporting (manifest list|attestation manifest|manifest|config) (sha256:[a-f0-9]{64})\b/;
/**
 * Whether a progress line says the result went into docker's own image store: dockerd's BuildKit
 * (the docker driver) writes or names it there, another BuildKit's `load` imports it. A push from another
 * BuildKit says neither.
 */
function storedInDocker(line) {
    return /^#\d+ (writing image sha256:|naming to |unpacking to |importing to docker)/.test(line);
}
/** The blob an export line names; undefined for any other line. */
function exportedBlob(line) {
    const match = EXPORT_LINE.exec(line);
    return match ? { step: match[1], kind: match[2], digest: match[3] } : undefined;
}
/**
 * The image BuildKit exported as `digest` (the metadata's containerimage.digest), from what it
 * printed while exporting it: the manifest and config of the export step whose manifest list, or
 * manifest, is that digest. A single-platform index holds one image and its attestations. Saves
 * reading an index back from the registry, and is the only place the config digest shows when
 * the containerd image store holds the result (buildx leaves it out of the metadata there).
 * Undefined when the lines do not say it for sure (several images, another progress mode, lines
 * missing). `platform` is the one the build asked for, '' for the builder's default (the lines
 * do not name it).
 */
function exportedImage(blobs, digest, platform) {
    const step = blobs.find((b) => (b.kind === 'manifest list' || b.kind === 'manifest') && b.digest === digest)?.step;
    if (step === undefined)
        return undefined;
    // A slow export prints a line twice, as it starts and when done: one blob, not two.
    const ofStep = (kind) => [
        ...new Set(blobs.filter((b) => b.step === step && b.kind === kind).map((b) => b.digest)),
    ];
    const [manifests, configs] = [ofStep('manifest'), ofStep('config')];
    if (manifests.length !== 1 || configs.length !== 1)
        return undefined;
    return { platform, manifest: manifests[0], config: configs[0] };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/docker/manifest.ts
// Reading what a buildx push produced: the metadata file buildx writes, and the image index and
// manifests as the registry serves them (`docker manifest inspect --verbose`, or
// `docker buildx imagetools inspect --raw`). Pure.

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const INDEX_TYPES = new Set([
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
]);
function digestOrUndefined(value) {
    return typeof value === 'string' && DIGEST.test(value) ? value : undefined;
}
function parseBuildxMetadata(json) {
    const metadata = JSON.parse(json);
    const descriptor = (metadata['containerimage.descriptor'] ?? {});
    return {
        digest: digestOrUndefined(metadata['containerimage.digest']),
        configDigest: digestOrUndefined(metadata['containerimage.config.digest']),
        isIndex: INDEX_TYPES.has(descriptor.mediaType ?? ''),
    };
}
/** The digest of bytes as a registry computes it. */
function sha256Digest(raw) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(raw).digest('hex')}`;
}
function formatPlatform(platform) {
    return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
/**
 * The image manifests an index lists. BuildKit adds an attestation manifest per image (marked
 * `vnd.docker.reference.type: attestation-manifest`, platform unknown/unknown); those are not images.
 */
function imageManifestsOf(rawIndex) {
    const index = JSON.parse(rawIndex);
    return (index.manifests ?? [])
        .filter((entry) => entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' &&
        entry.platform?.os !== 'unknown')
        .flatMap((entry) => {
        const digest = digestOrUndefined(entry.digest);
        return digest ? [{ platform: formatPlatform(entry.platform ?? {}), digest }] : [];
    });
}
/**
 * The images `docker manifest inspect --verbose` read from the registry: one entry per manifest of
 * an index (a list), or the one manifest a reference names (an object), each with its descriptor
 * and the bytes the registry served (base64), checked against the digest. BuildKit's attestation
 * manifests (platform unknown/unknown) are not images. Throws when the output is neither or a
 * manifest's bytes do not match its digest.
 */
function imagesFromManifestInspect(json) {
    const parsed = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null)
        throw new Error('not a manifest inspection');
    const entries = (Array.isArray(parsed) ? parsed : [parsed]);
    return entries.flatMap((entry) => {
        const digest = digestOrUndefined(entry.Descriptor?.digest);
        const raw = Buffer.from(entry.Raw ?? '', 'base64');
        if (!digest || sha256Digest(raw) !== digest)
            throw new Error(`the registry served other content than ${digest ?? 'a manifest'}`);
        const platform = entry.Descriptor?.platform ?? {};
        if (platform.os === 'unknown')
            return [];
        return [
            {
                platform: formatPlatform(platform),
                manifest: digest,
                config: configDigestOf(raw.toString('utf8')) ?? '',
            },
        ];
    });
}
/**
 * The config digest an image manifest names: the image id `docker image inspect` shows on a graph
 * driver store (overlay2); the containerd store shows the manifest's own digest instead.
 */
function configDigestOf(rawManifest) {
    const manifest = JSON.parse(rawManifest);
    return digestOrUndefined(manifest.config?.digest);
}
const GO_ARCH = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
};
/** The OCI platform of the machine the step runs on, e.g. `linux/amd64`. */
function runnerPlatform(platform = process.platform, arch = process.arch) {
    const os = platform === 'win32' ? 'windows' : platform;
    return `${os}/${GO_ARCH[arch] ?? arch}`;
}
/** The image for the runner's platform (any variant), else the first one. */
function imageForPlatform(images, runner) {
    return (images.find((image) => image.platform === runner || image.platform.startsWith(`${runner}/`)) ??
        images[0]);
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/docker/output.ts
var output = __webpack_require__(7807);
;// CONCATENATED MODULE: ./src/docker/retry.ts
// Which failed pushes are tried again. A transient registry error (HTTP 429 or 5xx, a connection
// reset, refused or timed out) is; an answer that will not change (401, 403, 404, a manifest or
// name the registry rejects) is not. Docker and BuildKit print the registry's answer but not its
// Retry-After header, so the waits are fixed. Pure: decided from docker's last lines.
/** Tries in all, the first included. */
const PUSH_TRIES = 3;
/** The wait before the second and the third try. */
const PUSH_WAITS_MS = [2000, 4000];
const PERMANENT = /\b(401|403|404)\b|unauthori[sz]ed|forbidden|denied|not found|manifest invalid|MANIFEST_INVALID|name unknown|NAME_UNKNOWN|blob unknown|BLOB_UNKNOWN/i;
const TRANSIENT = /\b(429|50[0-4])\b|toomanyrequests|too many requests|service unavailable|bad gateway|gateway time-?out|internal server error|connection reset|connection refused|broken pipe|: EOF\b|i\/o timeout|timeout|tls handshake/i;
/** Whether a push that ended with these lines may succeed if tried again. */
function isTransientPushFailure(logTail) {
    // The error is in the last lines; earlier ones are progress ("Pushed", "Retrying in 5 s").
    const ending = logTail.trimEnd().split('\n').slice(-3).join('\n');
    return !PERMANENT.test(ending) && TRANSIENT.test(ending);
}

// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(5625);
;// CONCATENATED MODULE: ./src/docker/steps.ts
// What the classic and the buildx paths share: the error that ends the build half at a stage,
// and pushes tried again after transient registry errors.






class StageError extends Error {
    stage;
    logTail;
    constructor(stage, message, logTail = '') {
        super(message);
        this.stage = stage;
        this.logTail = logTail;
    }
}
/** Runs `step` as `stage`, turning a docker failure into a StageError for that stage. */
async function inStage(stage, step) {
    try {
        return await step();
    }
    catch (error) {
        if (error instanceof StageError)
            throw error;
        if (error instanceof cli/* DockerError */.Bi)
            throw new StageError(stage, error.message, error.logTail);
        throw new StageError(stage, error.message);
    }
}
/**
 * Runs a push, and again while it fails with a transient registry error, PUSH_TRIES times in all.
 * `push` is told whether this is a retry, and ends the tries by throwing a StageError of its own
 * (a failure that is not the push's). A final docker failure becomes a push StageError that says
 * how many tries were made.
 */
async function withPushRetries(what, push) {
    for (let tries = 1;; tries++) {
        try {
            return { result: await push(tries > 1), tries };
        }
        catch (error) {
            if (!(error instanceof cli/* DockerError */.Bi))
                throw error; // a StageError: not the push's to retry
            if (tries >= PUSH_TRIES || !isTransientPushFailure(error.logTail)) {
                const after = tries > 1 ? ` (${tries} tries)` : '';
                throw new StageError('push', `${error.message}${after}`, error.logTail);
            }
            const waitMs = PUSH_WAITS_MS[tries - 1];
            (0,log/* warning */.$)(`${what}: the registry failed transiently (${(0,output/* lastLines */.w$)(error.logTail, 1)}); try ${tries + 1} of ${PUSH_TRIES} in ${waitMs / 1000} s`);
            await (0,promises_.setTimeout)(waitMs);
        }
    }
}
function elapsedSince(start) {
    return performance.now() - start;
}
function readIfPresent(file) {
    return external_node_fs_.existsSync(file) ? external_node_fs_.readFileSync(file, 'utf8').trim() : undefined;
}

;// CONCATENATED MODULE: ./src/docker/buildx.ts
// The buildx path: one `docker buildx build` builds and pushes, and its metadata file says what
// was pushed. The image id of an index is what BuildKit printed exporting its one image, or read
// back from the registry (several platforms).









/** Export lines kept of one build: a few per platform, bounded whatever the build prints. */
const MAX_EXPORT_LINES = 1000;
/** buildx: builds and pushes in one command, then says what it pushed in its metadata file. */
async function buildWithBuildx(inputs, report, files, labels, builderName) {
    const build = inputs.build;
    const env = buildxEnvironment(build, report.github?.commitTime, process.env);
    const start = performance.now();
    /** An evaluation (`call: check`, …) makes no image: what it found is its result. */
    const method = callMethod(build.call);
    /** The build's result, from the metadata file's text (a check's warnings are in it). */
    const recordBuild = (imageId, metadataText) => (report.build = {
        builder: 'buildx',
        builderName,
        imageId,
        durationMs: elapsedSince(start),
        ...(method && {
            evaluation: {
                call: method,
                warnings: method === 'check' ? (checkWarnings(metadataText) ?? []) : undefined,
            },
        }),
    });
    /** What the last run's export step wrote, as its progress lines say (a few per image). */
    let exported = [];
    /** The last run put the result into docker's image store. */
    let inDocker = false;
    const noteExport = (line) => {
        const blob = exportedBlob(line);
        if (blob && exported.length < MAX_EXPORT_LINES)
            exported.push(blob);
        inDocker ||= storedInDocker(line);
    };
    // Every failure but a push's is the build's: buildx builds and pushes in one command.
    const run = async (what) => {
        exported = [];
        inDocker = false;
        try {
            await (0,cli/* docker */.T3)(buildxBuildArgs(what, labels, files), { env, onLine: noteExport });
        }
        catch (error) {
            if (!(error instanceof cli/* DockerError */.Bi))
                throw error;
            const tooOld = unknownFlagProblem(error.logTail);
            if (tooOld)
                throw new StageError('build', tooOld, error.logTail);
            if (what.push && failedWhilePushing(error.logTail))
                throw error; // withPushRetries decides
            // A check that finds warnings fails the command: the warnings are the failure.
            if (method === 'check') {
                const metadataText = readIfPresent(files.metadataFile);
                const warnings = checkWarnings(metadataText);
                if (warnings?.length) {
                    recordBuild('', metadataText);
                    throw new StageError('build', checkProblem(warnings), error.logTail);
                }
            }
            throw new StageError('build', error.message, error.logTail);
        }
    };
    let tries = 1;
    if (build.push) {
        // A retry pushes the result again from the cache the first run filled, without rebuilding.
        ({ tries } = await withPushRetries('docker buildx build --push', (retry) => run(retry ? fromCache(build, 'push') : build)));
    }
    else {
        await run(build);
    }
    const metadataText = readIfPresent(files.metadataFile);
    const metadata = metadataText
        ? parseBuildxMetadata(metadataText)
        : { digest: undefined, configDigest: undefined, isIndex: false };
    const exportedAs = metadata.digest && build.platforms.length <= 1
        ? exportedImage(exported, metadata.digest, build.platforms[0] ?? '')
        : undefined;
    recordBuild(method ? '' : imageIdOf(metadata, exportedAs, readIfPresent(files.iidFile), inDocker), metadataText);
    if (!build.push) {
        if (build.platforms.length > 1 && !inDocker)
            (0,log/* warning */.$)(`${build.platforms.length} platforms were built without push: the result is only in the build cache (no image to load into docker, no image id)`);
        return;
    }
    if (!metadata.digest)
        throw new StageError('push', 'buildx pushed the image but its metadata file has no containerimage.digest');
    report.push = {
        digest: metadata.digest,
        digests: Object.fromEntries(build.tags.map((tag) => [tag, metadata.digest])),
        kind: metadata.isIndex ? 'index' : 'manifest',
        platforms: [],
        durationMs: undefined,
        tries,
    };
    if (metadata.isIndex) {
        if (exportedAs)
            report.push.platforms = [exportedAs];
        else
            await readPushedIndex(build, report, !inDocker);
    }
    // Pushed, and loaded into docker as asked: from the same cache, so the same image; docker's id
    // for it is what the load wrote.
    if (build.load) {
        await run(fromCache(build, 'load'));
        if (inDocker && !method)
            report.build.imageId = readIfPresent(files.iidFile) ?? '';
    }
}
/**
 * The image id: the id docker gives the image when the build put it into docker's store (what
 * the iidfile holds: the config digest on a graph driver store such as overlay2, the manifest or
 * index digest on the containerd store); otherwise, the image being only in a registry or the
 * build cache, its config digest, which is what a host with a graph driver store shows once it
 * pulls it. Empty for an index of several images until it is read back.
 */
function imageIdOf(metadata, exportedAs, iid, inDocker) {
    if (inDocker && iid)
        return iid;
    // Another BuildKit's iidfile holds the pushed digest when there is no single config.
    return (metadata.configDigest ?? exportedAs?.config ?? (iid === metadata.digest ? '' : (iid ?? '')));
}
/**
 * An index of several platforms (or one whose export lines were not printed) has no single image
 * id, and BuildKit's lines do not say which image is which platform's: read it back from the
 * registry, record each platform's manifest and config digest, and take the runner's platform as
 * the image id. The push itself succeeded, so a failed read is only a warning.
 */
async function readPushedIndex(build, report, 
/** The index is only in the registry: its runner's image is the image id. */
namesImage) {
    const repository = (0,docker_reference/* repositoryOf */._)((0,docker_reference/* parseImageReference */.o)(build.tags[0]));
    const reference = `${repository}@${report.push.digest}`;
    try {
        const platforms = await imagesOfIndex(reference).catch((error) => {
            core/* debug */.Yz(`docker manifest inspect could not read ${reference}: ${String(error)}`);
            return imagesOfIndexByBuildx(reference, build.builder);
        });
        report.push.platforms = platforms;
        if (namesImage)
            report.build.imageId = imageForPlatform(platforms, runnerPlatform())?.config ?? '';
    }
    catch (error) {
        const detail = error instanceof cli/* DockerError */.Bi ? `${error.message}: ${error.logTail}` : String(error);
        (0,log/* warning */.$)(`pushed ${report.push.digest}, but could not read the index back for ${namesImage ? 'the image id' : 'its platforms'}: ${detail}`);
    }
}
/** One docker process reads every manifest of the index (the fast way). */
async function imagesOfIndex(reference) {
    const json = await (0,cli/* docker */.T3)(manifestInspectArgs(reference), { echo: 'none', capture: true });
    return imagesFromManifestInspect(json);
}
/**
 * The index, then each manifest, through buildx and so through the builder's own registry
 * settings (a registry only buildkitd is told to trust): when docker's own reading fails.
 */
async function imagesOfIndexByBuildx(reference, builder) {
    const repository = reference.split('@')[0];
    const fetchRaw = async (digest) => {
        const raw = await (0,cli/* docker */.T3)(rawManifestArgs(`${repository}@${digest}`, builder), {
            echo: 'none',
            capture: true,
        });
        if (sha256Digest(raw) !== digest)
            throw new Error(`the registry served other content than ${digest} for ${repository}`);
        return raw;
    };
    const index = await fetchRaw(reference.split('@')[1]);
    return Promise.all(imageManifestsOf(index).map(async ({ platform, digest }) => ({
        platform,
        manifest: digest,
        config: configDigestOf(await fetchRaw(digest)) ?? '',
    })));
}

// EXTERNAL MODULE: ./src/docker/digest.ts
var docker_digest = __webpack_require__(786);
;// CONCATENATED MODULE: ./src/docker/classic.ts







async function inspectImage(id) {
    return (0,docker_digest/* parseStoredImage */.Ks)(await (0,cli/* docker */.T3)(imageInspectArgs(id), { echo: 'none', capture: true }));
}
/**
 * Classic builder: builds into dockerd's store; the tags are pushed afterwards (pushTags). The
 * iidfile holds the id docker gives the image: its config digest on a graph driver store
 * (overlay2), its manifest digest on the containerd store.
 */
async function buildClassic(inputs, report, files, labels) {
    const start = performance.now();
    await (0,cli/* docker */.T3)(classicBuildArgs(inputs.build, labels, files));
    report.build = {
        builder: 'docker',
        builderName: '',
        imageId: readIfPresent(files.iidFile) ?? '',
        durationMs: elapsedSince(start),
    };
}
/** The first tag of each repository, and the others. */
function splitFirstTags(tags) {
    const seen = new Set();
    const firsts = [];
    const others = [];
    for (const tag of tags) {
        const repository = (0,docker_reference/* repositoryOf */._)((0,docker_reference/* parseImageReference */.o)(tag));
        (seen.has(repository) ? others : firsts).push(tag);
        seen.add(repository);
    }
    return { firsts, others };
}
/**
 * Classic path: push every tag, read the digests docker printed, cross-check them with the
 * daemon's RepoDigests, or on the containerd store with what the registry serves for each tag
 * (which also gives the config digest, the image id). The first tag of each repository uploads the layers, one push at a time
 * (two pushes uploading the same new layers at once can fail with "blob unknown to registry",
 * as the benchmark's cold build showed). The other tags only add a manifest, so they go side by
 * side, while RepoDigests (complete once every repository has been pushed) is read.
 */
async function pushTags(tags, report) {
    const start = performance.now();
    const { firsts, others } = splitFirstTags(tags);
    const printed = new Map();
    let tries = 1;
    const push = async (tag, echo) => {
        // The digest is on the last line docker prints for the tag; a retry prints it again.
        const onLine = (line) => {
            const digest = (0,docker_digest/* digestFromPushOutput */.o9)(line);
            if (digest)
                printed.set(tag, digest);
        };
        const pushed = await withPushRetries(`docker push ${tag}`, () => (0,cli/* docker */.T3)(pushArgs(tag), { echo, onLine }));
        tries = Math.max(tries, pushed.tries);
    };
    for (const tag of firsts)
        await push(tag, 'stream');
    const [pushes, stored] = await Promise.all([
        Promise.allSettled(others.map((tag) => push(tag, 'after'))),
        inspectImage(report.build.imageId),
    ]);
    for (const pushed of pushes)
        if (pushed.status === 'rejected')
            throw pushed.reason;
    const digests = {};
    for (const tag of tags) {
        const digest = printed.get(tag);
        if (!digest)
            throw new StageError('push', `docker push ${tag} succeeded but printed no digest`);
        digests[tag] = digest;
    }
    const disagreements = stored.containerdStore
        ? await checkServed(tags, digests)
        : tags.map((tag) => (0,docker_digest/* crossCheckDigest */.jX)(tag, digests[tag], stored.repoDigests));
    const disagreement = disagreements.find(Boolean);
    if (disagreement)
        throw new StageError('push', disagreement);
    report.push = {
        digest: digests[tags[0]],
        digests,
        kind: 'manifest',
        platforms: [],
        durationMs: elapsedSince(start),
        tries,
    };
}
/**
 * The containerd store's check: what the registry serves for each tag, read back side by side,
 * must be the digest docker printed. A registry that cannot be read back right after taking the
 * push leaves the push as docker reported it, unchecked, with a warning.
 */
async function checkServed(tags, printed) {
    return Promise.all(tags.map(async (tag) => {
        let json;
        try {
            json = await (0,cli/* docker */.T3)(manifestInspectArgs(tag), { echo: 'none', capture: true });
        }
        catch (error) {
            if (!(error instanceof cli/* DockerError */.Bi))
                throw error;
            (0,log/* warning */.$)(`pushed ${tag} (${printed[tag]}), but could not read it back from the registry to check it: ${error.message}: ${error.logTail}`);
            return undefined;
        }
        const [image] = imagesFromManifestInspect(json);
        if (!image)
            return `the registry serves no image for ${tag}`;
        return (0,docker_digest/* crossCheckServed */.k1)(tag, printed[tag], image.manifest);
    }));
}

;// CONCATENATED MODULE: ./src/docker/stage.ts
// The build half: log in, build, push, read the digest. Records what happened in the report; a
// failure is recorded too (with docker's last lines) and ends the build half.







/**
 * In the step's workspace: the files docker writes back, and the secret values, each in a file
 * of mode 0600 that docker reads (never on a command line).
 */
function prepareFiles(workDir, inputs) {
    const secretFiles = {};
    for (const [i, secret] of inputs.build.secrets.entries()) {
        if (!('value' in secret))
            continue;
        secretFiles[secret.id] = external_node_path_.join(workDir, `secret-${i}`);
        external_node_fs_.writeFileSync(secretFiles[secret.id], secret.value, { mode: 0o600 });
    }
    return {
        iidFile: external_node_path_.join(workDir, 'iid'),
        metadataFile: external_node_path_.join(workDir, 'metadata.json'),
        secretFiles,
    };
}
/**
 * Login, build, push. Never throws: a failure is recorded in `report.failure`. There is no
 * logout: the login lives in the step's own Docker config, which is deleted with the workspace.
 */
async function buildAndPush(inputs, report, builder, workspace, onStage = () => { }) {
    const login = inputs.login;
    // Each stage is announced as it starts, so a cancellation can say which one it cut short.
    const stage = (name, step) => {
        onStage(name);
        return inStage(name, step);
    };
    try {
        const files = prepareFiles(workspace.dir, inputs);
        if (login) {
            await stage('login', () => (0,cli/* docker */.T3)(loginArgs(login.registry, login.username), { input: Buffer.from(login.password) }));
        }
        const facts = report.github;
        const labels = defaultLabels(inputs.build.labels, {
            repositoryUrl: facts?.repositoryUrl ?? '',
            sha: facts?.sha ?? '',
            created: facts?.commitTime ?? report.startedAt,
        });
        await stage('build', () => builder.kind === 'buildx'
            ? buildWithBuildx(inputs, report, files, labels, inputs.build.builder || builder.name)
            : buildClassic(inputs, report, files, labels));
        if (inputs.build.push && !report.push)
            await stage('push', () => pushTags(inputs.build.tags, report));
    }
    catch (error) {
        const failure = error;
        report.failure = { stage: failure.stage, message: failure.message, logTail: failure.logTail };
    }
}

;// CONCATENATED MODULE: ./src/docker/builder.ts
// Which builder a build runs on, decided the way the docker CLI decides it: buildx when its CLI
// plugin is where docker looks for plugins, unless DOCKER_BUILDKIT turns BuildKit off. Pure given
// the environment and a file reader, so it is tested without docker.

/** Go's strconv.ParseBool, which docker applies to DOCKER_BUILDKIT. */
function parseGoBool(value) {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value))
        return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value))
        return false;
    return undefined;
}
/** `cliPluginsExtraDirs` of the CLI's config.json; a missing or unreadable file has none. */
function extraPluginDirs(configFile, lookup) {
    const text = lookup.read(configFile);
    if (!text)
        return [];
    try {
        const dirs = JSON.parse(text).cliPluginsExtraDirs;
        return Array.isArray(dirs) ? dirs.filter((dir) => typeof dir === 'string') : [];
    }
    catch {
        return [];
    }
}
/** Paths as the machine the step runs on writes them. */
function pathsOf(platform) {
    return platform === 'win32' ? external_node_path_.win32 : external_node_path_.posix;
}
/** Where the docker CLI looks for plugins (docker/cli, cli-plugins/manager), in its order. */
function pluginFolders(env, lookup) {
    const { join } = pathsOf(lookup.platform);
    const configDir = env.DOCKER_CONFIG || join(lookup.homedir, '.docker');
    const system = lookup.platform === 'win32'
        ? [
            join(env.ProgramData ?? 'C:\\ProgramData', 'Docker', 'cli-plugins'),
            join(env.ProgramFiles ?? 'C:\\Program Files', 'Docker', 'cli-plugins'),
        ]
        : [
            '/usr/local/lib/docker/cli-plugins',
            '/usr/local/libexec/docker/cli-plugins',
            '/usr/lib/docker/cli-plugins',
            '/usr/libexec/docker/cli-plugins',
        ];
    return [
        join(configDir, 'cli-plugins'),
        ...extraPluginDirs(join(configDir, 'config.json'), lookup),
        ...system,
    ];
}
/**
 * buildx or the classic builder. A few stat calls instead of a docker process (`docker buildx
 * version` costs about 45 ms here). An unparsable DOCKER_BUILDKIT is a problem docker itself
 * would fail on later, so it is reported before anything runs.
 */
function chooseBuilder(env, lookup) {
    const plugin = lookup.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx';
    const { join } = pathsOf(lookup.platform);
    const hasBuildx = pluginFolders(env, lookup).some((dir) => lookup.exists(join(dir, plugin)));
    const name = env.BUILDX_BUILDER ?? '';
    const raw = env.DOCKER_BUILDKIT ?? '';
    if (raw === '')
        return { kind: hasBuildx ? 'buildx' : 'classic', name };
    const enabled = parseGoBool(raw);
    if (enabled === undefined) {
        return {
            kind: 'classic',
            name,
            problem: `Environment variable DOCKER_BUILDKIT: expected a boolean as docker reads it (1, 0, true, false, t, f), got "${raw}"`,
        };
    }
    // Asked for BuildKit without buildx: the classic path runs `docker build`, and docker itself
    // says what is missing (or, before CLI 23, builds with its built-in BuildKit).
    return { kind: enabled && hasBuildx ? 'buildx' : 'classic', name };
}

// EXTERNAL MODULE: ./src/github.ts
var github = __webpack_require__(9248);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/lists.ts
// Splitting of multi-value inputs, kept in one place so every input splits the same way, and the
// way docker/build-push-action splits them (actions-toolkit's getInputList: CSV records, one per
// line, where a field that starts with `"` may hold commas and line breaks and `""` is a quote).
/** CSV records: lines of comma-separated fields, with quoted fields. */
function records(raw, quotes) {
    const rows = [];
    let row = [];
    let field = '';
    let quoted = false;
    let fieldStart = true;
    const text = raw.replace(/\r\n?/g, '\n');
    const endField = () => {
        row.push(field);
        field = '';
        fieldStart = true;
    };
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        if (quoted) {
            if (char !== '"')
                field += char;
            else if (text[i + 1] === '"')
                field += text[i++];
            else
                quoted = false;
        }
        else if (char === '"' && fieldStart && quotes) {
            quoted = true;
            fieldStart = false;
        }
        else if (char === ',') {
            endField();
        }
        else if (char === '\n') {
            endField();
            rows.push(row);
            row = [];
        }
        else {
            field += char;
            fieldStart = false;
        }
    }
    if (quoted)
        throw new Error('has a " that is never closed (double it, "", for a quote inside a quoted item)');
    endField();
    rows.push(row);
    return rows;
}
/**
 * Items one per line (and comma-separated unless `commas` is false); blanks dropped, items
 * trimmed. Throws on an unclosed quote, which would otherwise swallow the lines after it.
 */
function splitList(raw, { commas = true, quotes = true } = {}) {
    return records(raw, quotes)
        .flatMap((fields) => commas ? fields.flatMap((field) => field.split(',')) : [fields.join(',')])
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
}
/** `KEY=value` at the first `=`; `value` is undefined without one. */
function splitKeyValue(item) {
    const eq = item.indexOf('=');
    return eq < 0
        ? { key: item, value: undefined }
        : { key: item.slice(0, eq), value: item.slice(eq + 1) };
}

;// CONCATENATED MODULE: ./src/inputs/secrets.ts
// Build secrets: `secrets` (values), `secret-files`, `secret-envs` and the `github-token` for Git
// contexts on GitHub, in docker/build-push-action's formats. A problem never quotes a secret value.

const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The host of a Git URL docker builds from, or undefined for anything else. */
function gitHost(url) {
    const scp = /^git@([^:/]+):/.exec(url);
    if (scp)
        return scp[1];
    if (/^github\.com\//.test(url))
        return 'github.com';
    const match = /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/:#]+)/.exec(url);
    if (!match)
        return undefined;
    // An http(s) URL is a Git context only when it names a repository.
    return /^https?:/.test(url) && !/\.git(#|$)/.test(url) ? undefined : match[1];
}
/**
 * The secrets of a build. The github token is added for Git contexts on the GitHub server (as
 * docker/build-push-action does), under BuildKit's host-scoped id `GIT_AUTH_TOKEN.<host>` so it is
 * never sent to another host, unless `secrets` already sets a GIT_AUTH_TOKEN.
 */
function readSecrets(c, env, gitContexts) {
    const secrets = [];
    for (const [n, item] of c.list('secrets', { commas: false }).entries()) {
        const { key, value } = splitKeyValue(item);
        if (value === undefined || !SECRET_ID.test(key)) {
            c.fail('secrets', `item ${n + 1} is not ID=value (the value is not shown)`);
        }
        else if (value === '') {
            c.fail('secrets', `"${key}" has an empty value`);
        }
        else {
            secrets.push({ id: key, value });
        }
    }
    for (const item of c.list('secret-files', { commas: false })) {
        const { key, value } = splitKeyValue(item);
        if (value === undefined || !SECRET_ID.test(key) || value === '') {
            c.fail('secret-files', `"${item}" is not ID=path`);
        }
        else if (!env.isFile(value)) {
            c.fail('secret-files', `"${key}": file "${value}" does not exist`);
        }
        else {
            secrets.push({ id: key, file: value });
        }
    }
    for (const item of c.list('secret-envs')) {
        const { key, value } = splitKeyValue(item);
        if (value === undefined || !SECRET_ID.test(key) || !ENV_NAME.test(value)) {
            c.fail('secret-envs', `"${item}" is not ID=ENVIRONMENT_VARIABLE`);
        }
        else if (!env.variables[value]) {
            c.fail('secret-envs', `"${key}": environment variable ${value} is empty or not set`);
        }
        else {
            secrets.push({ id: key, variable: value });
        }
    }
    const ids = secrets.map((secret) => secret.id);
    for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i)))
        c.fail('secrets', `the secret id "${id}" is given more than once (secrets, secret-files, secret-envs)`);
    const token = c.value('github-token');
    const server = env.variables.GITHUB_SERVER_URL || 'https://github.com';
    const host = /^https?:\/\/([^/:]+)/.exec(server)?.[1] ?? 'github.com';
    const setByUser = secrets.some((s) => s.id === 'GIT_AUTH_TOKEN' || s.id === `GIT_AUTH_TOKEN.${host}`);
    if (token && !setByUser && gitContexts.some((context) => gitHost(context) === host)) {
        secrets.push({ id: `GIT_AUTH_TOKEN.${host}`, value: token });
    }
    return secrets;
}

;// CONCATENATED MODULE: ./src/inputs/build.ts
// The build inputs: context, Dockerfile, tags and everything docker build / buildx build takes,
// with docker/build-push-action's names, formats and meanings.






/** Inputs only buildx has; the classic builder rejects them. (`load` is what it does anyway.) */
const BUILDX_ONLY = [
    'platforms',
    'cache-from',
    'cache-to',
    'builder',
    'secrets',
    'secret-files',
    'secret-envs',
    'ssh',
    'build-contexts',
    'provenance',
    'sbom',
    'attests',
    'annotations',
    'outputs',
    'call',
    'allow',
    'no-cache-filters',
];
/** The names `--ulimit` takes (docker/go-units ulimit.go). */
const ULIMITS = [
    'core',
    'cpu',
    'data',
    'fsize',
    'locks',
    'memlock',
    'msgqueue',
    'nice',
    'nofile',
    'nproc',
    'rss',
    'rtprio',
    'rttime',
    'sigpending',
    'stack',
];
const CALLS = ['build', 'check', 'outline', 'targets'];
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** A context docker fetches itself: a Git repository or a tarball URL (docker/cli's urlutil rules). */
function isRemoteContext(context) {
    return /^(https?:\/\/|git:\/\/|git@|github\.com\/)/.test(context);
}
function readBuild(c, env) {
    const context = c.value('context') || '.';
    const remote = isRemoteContext(context);
    if (!remote && !env.isDirectory(context)) {
        c.fail('context', `"${context}" is not a directory (expected the build context path)`);
    }
    // A remote context's `file` is a path inside it, which only the builder can check.
    const file = c.value('file') || (remote ? '' : external_node_path_.join(context, 'Dockerfile'));
    if (!remote && !env.isFile(file)) {
        c.fail(c.value('file') ? 'file' : 'context', `Dockerfile "${file}" does not exist`);
    }
    const push = c.boolean('push', true);
    const tags = c.list('tags');
    for (const tag of tags)
        c.attempt('tags', () => (0,docker_reference/* parseImageReference */.o)(tag));
    if (push && tags.length === 0)
        c.fail('tags', 'at least one tag is required when push is true');
    const keyValues = (name) => c
        .list(name, { commas: false })
        .map(splitKeyValue)
        .flatMap(({ key, value }) => {
        if (value === undefined || !/^[^\s=]+$/.test(key)) {
            c.fail(name, `"${key}" is not KEY=value (one per line)`);
            return [];
        }
        return [`${key}=${value}`];
    });
    const build = {
        context,
        file,
        builder: c.value('builder'),
        target: c.value('target'),
        tags,
        buildArgs: keyValues('build-args'),
        labels: keyValues('labels'),
        push,
        pull: c.boolean('pull', false),
        noCache: c.boolean('no-cache', false),
        platforms: c.list('platforms'),
        cacheFrom: c.list('cache-from', { commas: false }),
        cacheTo: c.list('cache-to', { commas: false }),
        secrets: [],
        ssh: checkedList(c, 'ssh', { commas: true }, /^[A-Za-z0-9_.-]+(=.+)?$/, 'default or ID[=socket|key,…]'),
        buildContexts: checkedList(c, 'build-contexts', { commas: false }, /^[^\s=]+=\S+$/, 'NAME=path, NAME=docker-image://…, NAME=https://… or NAME=target:…'),
        provenance: oneLine(c, 'provenance'),
        sbom: oneLine(c, 'sbom'),
        attests: checkedList(c, 'attests', { commas: false }, /(^|,)type=[a-z]+/, 'type=sbom|provenance[,…] per line'),
        annotations: checkedList(c, 'annotations', { commas: false }, /^[^=\s]+=/, 'KEY=value, or TYPE[PLATFORM]:KEY=value, per line'),
        load: c.boolean('load', false),
        network: checkedValue(c, 'network', /^[A-Za-z0-9][\w.:-]*$/, 'default, none, host or a network name'),
        addHosts: readAddHosts(c),
        // docker/go-units RAMInBytes: a number, an optional space, a unit with optional i and b.
        shmSize: checkedValue(c, 'shm-size', /^\d+(\.\d+)? ?[kmgtp]?i?b?$/i, 'a size such as 2g, 512m or 1073741824'),
        ulimits: readUlimits(c),
        cgroupParent: checkedValue(c, 'cgroup-parent', /^[\w./:-]+$/, 'a cgroup path'),
        outputs: c.list('outputs', { commas: false, quotes: false }),
        call: readCall(c, push),
        allow: checkedList(c, 'allow', { commas: true }, /^[a-z]+(\.[a-z]+)?(=\S+)?$/, 'an entitlement such as network.host or security.insecure'),
        noCacheFilters: checkedList(c, 'no-cache-filters', { commas: true }, STAGE_NAME, 'a build stage name'),
        summary: readBuildSummary(c, env.variables.DOCKER_BUILD_SUMMARY),
    };
    // The github token is for BuildKit's Git fetches; the classic builder clones with the runner's git.
    const gitContexts = env.builder.kind === 'buildx' ? [context, ...build.buildContexts.map(contextValue)] : [];
    build.secrets = readSecrets(c, env, gitContexts);
    if (build.load && build.platforms.length > 1) {
        c.fail('load', `docker's image store holds one platform; ${build.platforms.length} are built (load one platform, or drop load)`);
    }
    if (build.target && !STAGE_NAME.test(build.target)) {
        c.fail('target', `"${build.target}" is not a build stage name`);
    }
    if (build.builder && !STAGE_NAME.test(build.builder)) {
        c.fail('builder', `"${build.builder}" is not a buildx builder name`);
    }
    if (env.builder.problem)
        c.problems.push(env.builder.problem);
    if (env.builder.kind !== 'buildx') {
        for (const name of BUILDX_ONLY) {
            if (c.value(name)) {
                // What the input says matters less than that nothing here can use it.
                c.failOnly(name, 'needs docker buildx, which is not installed on this runner or is turned off by DOCKER_BUILDKIT (use docker/setup-buildx-action, or remove the input)');
            }
        }
    }
    return build;
}
/** The value of a `build-contexts` item, `NAME=value`. */
function contextValue(item) {
    return item.slice(item.indexOf('=') + 1);
}
/** A one-line input, as written. */
function oneLine(c, name) {
    const value = c.value(name);
    if (/[\r\n]/.test(value))
        c.fail(name, 'must be one line');
    return value;
}
/** A single value that must match `pattern`; empty when not set. */
function checkedValue(c, name, pattern, expected) {
    const value = c.value(name);
    if (value && !pattern.test(value))
        c.fail(name, `"${value}" is not ${expected}`);
    return value;
}
/** A list whose every item must match `pattern`. */
function checkedList(c, name, split, pattern, expected) {
    const items = c.list(name, split);
    for (const item of items)
        if (!pattern.test(item))
            c.fail(name, `"${item}" is not ${expected}`);
    return items;
}
/** `host:ip`, ip being IPv4, IPv6 (not in brackets) or docker's `host-gateway`. */
function readAddHosts(c) {
    const items = c.list('add-hosts');
    for (const item of items) {
        // docker splits at the first colon: the rest may be an IPv6 address.
        const colon = item.indexOf(':');
        const [host, ip] = [item.slice(0, colon), item.slice(colon + 1)];
        if (colon < 1 || !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) {
            c.fail('add-hosts', `"${item}" is not host:ip`);
        }
        else if (ip !== 'host-gateway' && !(0,external_node_net_.isIP)(ip)) {
            c.fail('add-hosts', `"${item}": "${ip}" is not an IP address (or host-gateway)`);
        }
    }
    return items;
}
/** `name=soft[:hard]`, one per line, with the names docker knows; -1 means unlimited. */
function readUlimits(c) {
    const items = c.list('ulimit', { commas: false });
    for (const item of items) {
        const match = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(item);
        if (!match) {
            c.fail('ulimit', `"${item}" is not name=soft[:hard] (e.g. nofile=1024:2048)`);
        }
        else if (!ULIMITS.includes(match[1])) {
            c.fail('ulimit', `"${match[1]}" is not a ulimit name (expected one of ${ULIMITS.join(', ')})`);
        }
        else if (match[3] !== undefined && Number(match[2]) > Number(match[3]) && match[3] !== '-1') {
            c.fail('ulimit', `"${item}": the soft limit is above the hard limit`);
        }
    }
    return items;
}
/**
 * `build-summary`, else DOCKER_BUILD_SUMMARY as docker/build-push-action reads it (a Go boolean:
 * `false`, `0`, `f` turn it off), else on.
 */
function readBuildSummary(c, variable) {
    if (c.value('build-summary'))
        return c.boolean('build-summary', true);
    const fromEnvironment = variable ? parseGoBool(variable) : true;
    if (fromEnvironment === undefined)
        c.problems.push(`Environment variable DOCKER_BUILD_SUMMARY: expected a boolean (1, 0, true, false, t, f), got "${variable}"`);
    return fromEnvironment ?? true;
}
/** `--call`: build (the default) or an evaluation that builds no image, so nothing to push. */
function readCall(c, push) {
    const value = c.value('call');
    if (!value)
        return '';
    const method = value.split(',')[0];
    if (!CALLS.includes(method)) {
        c.fail('call', `"${value}" is not one of ${CALLS.join(', ')}`);
    }
    else if (method !== 'build' && push) {
        c.fail('call', `"${method}" evaluates the build without making an image; set push: false`);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/inputs/checker.ts
// The reader every input goes through: it collects problems, so the user sees all of them in
// one run, and each problem names its input and what is expected.

class InputError extends Error {
    problems;
    constructor(problems) {
        super(problems.length === 1
            ? problems[0]
            : `${problems.length} inputs are invalid:\n${problems.join('\n')}`);
        this.problems = problems;
        this.name = 'InputError';
    }
}
/** Collects problems so the user sees all of them in one run. */
class Checker {
    read;
    problems = [];
    constructor(read) {
        this.read = read;
    }
    /** A single-value input, trimmed. */
    value(name) {
        return this.read(name).trim();
    }
    /** The input as written (multi-line inputs keep their lines). */
    text(name) {
        return this.read(name);
    }
    /** A list input, split as docker/build-push-action splits it (lists.ts). */
    list(name, options) {
        return this.attempt(name, () => splitList(this.read(name), options)) ?? [];
    }
    fail(name, message) {
        this.problems.push(`Input "${name}": ${message}`);
    }
    /** Records `message` as the one problem of `name`, in place of what was found before. */
    failOnly(name, message) {
        const prefix = `Input "${name}": `;
        const kept = this.problems.filter((problem) => !problem.startsWith(prefix));
        this.problems.splice(0, this.problems.length, ...kept);
        this.fail(name, message);
    }
    /** Runs `parse` and records its Error as a problem of `name`. */
    attempt(name, parse) {
        try {
            return parse();
        }
        catch (error) {
            this.fail(name, error.message);
            return undefined;
        }
    }
    boolean(name, fallback) {
        const value = this.value(name);
        if (value === '')
            return fallback;
        // YAML 1.2 core schema, as core.getBooleanInput accepts.
        if (['true', 'True', 'TRUE'].includes(value))
            return true;
        if (['false', 'False', 'FALSE'].includes(value))
            return false;
        this.fail(name, `expected true or false, got "${value}"`);
        return fallback;
    }
    seconds(name, fallback) {
        const value = this.value(name);
        if (value === '')
            return fallback;
        const parsed = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value) || !(parsed > 0) || parsed > 3600) {
            this.fail(name, `expected a number of seconds between 0 and 3600, got "${value}"`);
            return fallback;
        }
        return parsed;
    }
    httpUrl(name, value) {
        let url;
        try {
            url = new URL(value);
        }
        catch {
            this.fail(name, `"${value}" is not a URL (expected http:// or https://…)`);
            return value;
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            this.fail(name, `"${value}" must be an http:// or https:// URL`);
        }
        else if (url.username || url.password) {
            // Credentials in a URL end up in logs and summaries; tokens have their own inputs.
            this.fail(name, 'a URL must not contain credentials; use the token input instead');
        }
        else if (url.search || url.hash) {
            this.fail(name, `"${value}" must be a base URL without ?query or #fragment`);
        }
        return value.replace(/\/+$/, '');
    }
    choice(name, options, fallback) {
        const value = this.value(name);
        if (value === '')
            return fallback;
        if (options.includes(value))
            return value;
        this.fail(name, `expected one of ${options.join(', ')}, got "${value}"`);
        return fallback;
    }
}

;// CONCATENATED MODULE: ./src/inputs/swarm.ts
// The Docker Swarm inputs: which services get the pushed digest, on which manager, and how
// long each may take to converge.


/** Swarm's rule for service names (swarmkit refuses anything else): a DNS label, `_` allowed. */
const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$/;
const SERVICE_NAME_MAX = 63;
const TLS_INPUTS = ['swarm-tls-ca', 'swarm-tls-cert', 'swarm-tls-key'];
/** The first-pushed-first list of repositories the tags push to, each once. */
function pushedRepositories(tags) {
    const repositories = [];
    for (const tag of tags) {
        try {
            repositories.push((0,docker_reference/* repositoryOf */._)((0,docker_reference/* parseImageReference */.o)(tag)));
        }
        catch {
            // A bad tag is reported by the build inputs.
        }
    }
    return [...new Set(repositories)];
}
function readService(c, entry, pushed) {
    const [name = '', repository, ...extra] = entry.split('=').map((part) => part.trim());
    if (extra.length > 0 || repository === '') {
        c.fail('swarm-services', `"${entry}" is not "name" or "name=repository"`);
        return undefined;
    }
    if (!SERVICE_NAME.test(name) || name.length > SERVICE_NAME_MAX) {
        c.fail('swarm-services', `"${name}" is not a Swarm service name (letters, digits, "-" and "_", starting and ending with a letter or digit, at most ${SERVICE_NAME_MAX} characters)`);
        return undefined;
    }
    // Without tags nothing is pushed, so nothing is deployed (tags says what is wrong, if anything).
    if (repository === undefined || pushed.length === 0)
        return { name, repository: repository ?? pushed[0] ?? '' };
    // Docker Hub names have several spellings (`app`, `docker.io/library/app`): compare short ones.
    const match = pushed.find((candidate) => (0,docker_digest/* familiarRepository */.Yu)(candidate) === (0,docker_digest/* familiarRepository */.Yu)(repository));
    if (!match) {
        c.fail('swarm-services', `"${entry}": ${repository} is not a repository this step pushes (${pushed.join(', ') || 'none'}); give a repository from tags, without tag`);
        return undefined;
    }
    return { name, repository: match };
}
/** `ssh://user@host[:port]`, `tcp://host[:port]` or `unix:///path`, as docker's --host takes it. */
function readHost(c) {
    const host = c.value('swarm-host');
    if (!host)
        return '';
    const expected = 'expected ssh://user@host[:port], tcp://host[:port] or unix:///path/to/docker.sock';
    let url;
    try {
        if (!host.includes('://'))
            throw new Error('no scheme');
        url = new URL(host);
    }
    catch {
        c.fail('swarm-host', `"${host}" is not a Docker endpoint: ${expected}`);
        return host;
    }
    const scheme = url.protocol.slice(0, -1);
    if (!['ssh', 'tcp', 'unix'].includes(scheme)) {
        c.fail('swarm-host', `"${scheme}://" is not supported: ${expected}`);
    }
    else if (url.password) {
        // docker refuses it too; a password in a URL ends up in logs and summaries.
        c.fail('swarm-host', "must not contain a password; ssh uses the runner's ssh agent and keys");
    }
    else if (url.hostname.startsWith('-') || url.username.startsWith('-')) {
        // ssh would read it as an option.
        c.fail('swarm-host', `"${host}": a host or user name cannot start with "-"`);
    }
    else if (url.search || url.hash) {
        c.fail('swarm-host', `"${host}" must not have a ?query or #fragment`);
    }
    else if (scheme === 'unix' ? !url.pathname.startsWith('/') || url.host : !url.hostname) {
        c.fail('swarm-host', `"${host}" has no ${scheme === 'unix' ? 'absolute socket path' : 'host'}: ${expected}`);
    }
    else if (scheme !== 'unix' && url.pathname && url.pathname !== '/') {
        c.fail('swarm-host', `"${host}" must not have a path after the host: ${expected}`);
    }
    return scheme === 'unix' ? host : host.replace(/\/+$/, '');
}
function readTls(c, host) {
    const given = TLS_INPUTS.filter((name) => c.value(name));
    if (given.length === 0)
        return undefined;
    if (!host.startsWith('tcp://')) {
        for (const name of given)
            c.fail(name, 'is only used with a tcp:// swarm-host');
        return undefined;
    }
    if (given.length < TLS_INPUTS.length) {
        const missing = TLS_INPUTS.filter((name) => !given.includes(name));
        c.fail(missing[0], `is required with ${given.join(' and ')}: Docker's TLS needs the CA that signed the daemon's certificate, and a client certificate and key (${missing.join(', ')} missing)`);
        return undefined;
    }
    // The values are secrets: the messages say what was expected, never what was given.
    const pem = (name, kind, expected) => {
        const text = c.value(name);
        if (!kind.test(text))
            c.fail(name, `expected the PEM text of ${expected}, not a file path or another PEM block`);
        return `${text}\n`;
    };
    const certificate = /^-----BEGIN CERTIFICATE-----$/m;
    const key = /^-----BEGIN [A-Z ]*PRIVATE KEY-----$/m;
    return {
        ca: pem('swarm-tls-ca', certificate, 'a certificate (-----BEGIN CERTIFICATE-----…)'),
        cert: pem('swarm-tls-cert', certificate, 'a certificate (-----BEGIN CERTIFICATE-----…)'),
        key: pem('swarm-tls-key', key, 'a private key (-----BEGIN PRIVATE KEY-----…)'),
    };
}
function readSwarm(c, tags) {
    const entries = c.list('swarm-services');
    if (entries.length === 0) {
        for (const name of ['swarm-host', ...TLS_INPUTS]) {
            if (c.value(name))
                c.fail('swarm-services', `is required when "${name}" is set`);
        }
        return undefined;
    }
    const pushed = pushedRepositories(tags);
    const services = entries.flatMap((entry) => readService(c, entry, pushed) ?? []);
    const names = services.map((service) => service.name);
    for (const name of new Set(names.filter((name, i) => names.indexOf(name) !== i))) {
        c.fail('swarm-services', `"${name}" is listed more than once`);
    }
    const host = readHost(c);
    return {
        services,
        host,
        tls: readTls(c, host),
        timeoutSeconds: c.seconds('swarm-timeout', 600),
    };
}

;// CONCATENATED MODULE: ./src/inputs/deploy.ts
// The deployment inputs: Watchtower hosts and Swarm services, and what a failure of either does.


function readWatchtower(c) {
    const urls = c.list('watchtower-url');
    if (urls.length === 0) {
        for (const name of ['watchtower-token', 'watchtower-images']) {
            if (c.value(name))
                c.fail('watchtower-url', `is required when "${name}" is set`);
        }
        return undefined;
    }
    const images = c.list('watchtower-images');
    for (const image of images) {
        const ref = c.attempt('watchtower-images', () => (0,docker_reference/* parseImageReference */.o)(image));
        if (ref?.tag) {
            c.fail('watchtower-images', `"${image}" has a tag; Watchtower matches repositories, give "${(0,docker_reference/* repositoryOf */._)(ref)}"`);
        }
    }
    return {
        urls: urls.map((url) => c.httpUrl('watchtower-url', url)),
        token: c.value('watchtower-token'),
        images,
        timeoutSeconds: c.seconds('watchtower-timeout', 300),
        wait: c.boolean('watchtower-wait', true),
    };
}
/** Undefined when neither Watchtower hosts nor Swarm services are named. */
function readDeploy(c, tags) {
    const watchtower = readWatchtower(c);
    const swarm = readSwarm(c, tags);
    const failOnError = c.boolean('fail-on-deploy-error', true);
    return watchtower || swarm ? { watchtower, swarm, failOnError } : undefined;
}

;// CONCATENATED MODULE: ./src/inputs/login.ts
/** What `docker login` accepts as a server: host[:port][/path], or a URL. */
const REGISTRY = /^[A-Za-z0-9.-]+(:\d+)?(\/[\w./-]*)?$|^https?:\/\/\S+$/;
function readLogin(c) {
    const registry = c.value('registry');
    const username = c.value('username');
    const password = c.text('password');
    if (!registry && !username && !password)
        return undefined;
    if (!username)
        c.fail('username', 'is required when "registry" or "password" is set');
    if (!password)
        c.fail('password', 'is required when "username" or "registry" is set (is the secret available to this workflow?)');
    if (registry && !REGISTRY.test(registry)) {
        c.fail('registry', `"${registry}" is not a registry host (expected e.g. ghcr.io or registry.example.com:5000)`);
    }
    return { registry, username, password };
}

;// CONCATENATED MODULE: ./src/notify/address.ts
// Email addresses as people write them in workflow inputs: `a@x.io`, `Ann <a@x.io>`, `"Doe, Ann" <a@x.io>`.
// Pragmatic check (what SendGrid accepts in practice): local@domain.tld, no spaces or brackets.
const EMAIL = /^[^\s@<>()[\]",;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
/**
 * Splits on `separator`, else on commas, semicolons and newlines that are not inside quotes or
 * angle brackets.
 */
function splitAddresses(raw, separator) {
    if (separator)
        return raw
            .split(separator)
            .map((part) => part.trim())
            .filter((part) => part.length > 0);
    const parts = [];
    let current = '';
    let quoted = false;
    let angled = false;
    for (const char of raw) {
        if (char === '"')
            quoted = !quoted;
        else if (char === '<' && !quoted)
            angled = true;
        else if (char === '>' && !quoted)
            angled = false;
        if (!quoted && !angled && /[,;\n\r]/.test(char)) {
            parts.push(current);
            current = '';
        }
        else {
            current += char;
        }
    }
    parts.push(current);
    return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}
/** Parses one address; throws an Error saying what is wrong with it. */
function parseAddress(text) {
    const angled = /^(.*?)\s*<([^<>]*)>$/.exec(text);
    const email = (angled ? angled[2] : text).trim();
    const name = angled
        ? angled[1]
            .trim()
            .replace(/^"(.*)"$/, '$1')
            .trim()
        : '';
    if (!EMAIL.test(email)) {
        throw new Error(`"${text}" is not an email address (expected name@example.com or Name <name@example.com>)`);
    }
    return name ? { email, name } : { email };
}
/**
 * Parses a list of addresses, split on `separator` when one is given; duplicates within the list
 * are an error (SendGrid rejects them).
 */
function parseAddressList(raw, separator = '') {
    const addresses = splitAddresses(raw, separator).map(parseAddress);
    const seen = new Set();
    for (const { email } of addresses) {
        const key = email.toLowerCase();
        if (seen.has(key))
            throw new Error(`${email} is listed twice`);
        seen.add(key);
    }
    return addresses;
}
/** `alice@example.com` → `a***@example.com`: enough to recognise, not enough to harvest. */
function maskEmail(email) {
    const at = email.indexOf('@');
    return `${email.slice(0, 1)}***${email.slice(at)}`;
}

// EXTERNAL MODULE: ./src/notify/placeholders.ts
var placeholders = __webpack_require__(1259);
// EXTERNAL MODULE: ./src/notify/requests.ts
var requests = __webpack_require__(1887);
;// CONCATENATED MODULE: ./src/inputs/mail.ts
// The email inputs: recipients, content, template and SendGrid settings.



const NOTIFY_ON = ['always', 'success', 'failure', 'never'];
const DEFAULT_SENDGRID_URL = 'https://api.sendgrid.com';
function readAddresses(c, name, separator = '') {
    return c.attempt(name, () => parseAddressList(c.text(name), separator)) ?? [];
}
/**
 * Recipients (to, cc, bcc): SendGrid documents that their names cannot include `,` or `;`, and
 * answers 202 then drops such a message. Quoting the name is an undocumented workaround that
 * has shown the quotes to readers, so such a name is an input error.
 */
function readRecipients(c, name, separator = '') {
    const addresses = readAddresses(c, name, separator);
    for (const address of addresses) {
        if (address.name && /[,;]/.test(address.name))
            c.fail(name, `the name "${address.name}" of ${address.email} contains "," or ";", which SendGrid does not accept in recipient names (the message would be dropped): write it without them`);
    }
    return addresses;
}
function readMail(c) {
    const token = c.value('sendgrid-token');
    const recipients = c.text('mail');
    if (!recipients.trim() && !token)
        return undefined;
    // mmichailidis/sendgrid-mail-action's separator of `mail` (only `mail`: it had no cc or bcc).
    const to = readRecipients(c, 'mail', c.value('splitterator'));
    if (!recipients.trim())
        c.fail('mail', 'at least one recipient is required when "sendgrid-token" is set');
    const fromRaw = c.value('from');
    if (!fromRaw)
        c.fail('from', 'a sender verified in your SendGrid account is required to send email (mmichailidis/sendgrid-mail-action defaulted it to sendgridmailaction@github.com, which SendGrid rejects: nobody can verify that address)');
    const from = fromRaw ? c.attempt('from', () => parseAddress(fromRaw)) : undefined;
    const replyToRaw = c.value('reply-to');
    const replyTo = replyToRaw ? c.attempt('reply-to', () => parseAddress(replyToRaw)) : undefined;
    const subject = c.value('subject');
    if (/[\r\n]/.test(subject))
        c.fail('subject', 'must be one line (no line breaks)');
    const text = c.text('text');
    const html = c.text('html');
    const templateId = c.value('template-id');
    // SendGrid's client treats only a lowercase "d-" as dynamic: with "D-" the template data is
    // silently dropped.
    if (templateId && !/^d-[0-9a-f]{32}$/.test(templateId)) {
        c.fail('template-id', `"${templateId}" is not a SendGrid dynamic template id (lowercase d- followed by 32 lowercase hex digits, as SendGrid issues them)`);
    }
    if (templateId && (text.trim() || html.trim())) {
        c.fail('template-id', 'cannot be combined with "text" or "html" (the template supplies the body)');
    }
    const templateData = readTemplateData(c, templateId);
    for (const [name, value] of [
        ['subject', subject],
        ['text', text],
        ['html', html],
    ]) {
        const unknown = (0,placeholders/* unknownPlaceholders */.hX)(value);
        if (unknown.length > 0) {
            c.fail(name, `unknown placeholder ${unknown.map((u) => `{{ ${u} }}`).join(', ')} (known: ${placeholders/* PLACEHOLDERS */.je.join(', ')})`);
        }
    }
    const cc = readRecipients(c, 'cc');
    const bcc = readRecipients(c, 'bcc');
    const individual = c.boolean('individual', false);
    // Every request carries cc and bcc (or its first one does), within SendGrid's 1000 recipients.
    if (!individual && cc.length + bcc.length >= requests/* MAX_RECIPIENTS_PER_REQUEST */.EF)
        c.fail('bcc', `cc and bcc list ${cc.length + bcc.length} addresses together; SendGrid allows ${requests/* MAX_RECIPIENTS_PER_REQUEST */.EF} recipients per request (to + cc + bcc), so at most ${requests/* MAX_RECIPIENTS_PER_REQUEST */.EF - 1} (or set individual: true)`);
    return {
        token,
        to,
        from: from ?? { email: '' },
        cc,
        bcc,
        replyTo,
        subject,
        text,
        html,
        templateId,
        templateData,
        notifyOn: c.choice('notify-on', NOTIFY_ON, 'always'),
        individual,
        apiUrl: c.httpUrl('sendgrid-api-url', c.value('sendgrid-api-url') || DEFAULT_SENDGRID_URL),
        sandbox: c.boolean('sandbox', false),
        failOnError: c.boolean('fail-on-notify-error', true),
        timeoutSeconds: c.seconds('sendgrid-timeout', 30),
    };
}
function readTemplateData(c, templateId) {
    const raw = c.value('template-data');
    if (!raw)
        return {};
    if (!templateId)
        c.fail('template-data', 'is only used with "template-id"');
    let parsed;
    try {
        parsed = JSON.parse(raw);
    }
    catch {
        c.fail('template-data', 'is not valid JSON (expected a JSON object such as {"team":"api"})');
        return {};
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        c.fail('template-data', 'must be a JSON object such as {"team":"api"}');
        return {};
    }
    return parsed;
}

;// CONCATENATED MODULE: ./src/inputs/index.ts
// Reads every input once, validates it, and returns one typed object. Pure given its reader and
// environment, so tests drive it without a runner. Every problem names the input and what is
// expected; all problems are reported together, before any docker command or network call.






/** Inputs whose values are masked before anything is logged, and never echoed in a message. */
const SECRET_INPUTS = [
    'password',
    'sendgrid-token',
    'watchtower-token',
    'swarm-tls-ca',
    'swarm-tls-cert',
    'swarm-tls-key',
    'github-token',
    'secrets',
];
/** Reads and validates every input; throws InputError listing every problem found. */
function readInputs(read, env) {
    const c = new Checker(read);
    const build = readBuild(c, env);
    const inputs = {
        build,
        login: readLogin(c),
        mail: readMail(c),
        deploy: readDeploy(c, build.tags),
    };
    if (c.problems.length > 0)
        throw new InputError(c.problems);
    return inputs;
}

;// CONCATENATED MODULE: ./src/outputs.ts
// The step outputs, as a pure function of the report.

function stepOutputs(report) {
    const outputs = {
        tags: report.tags.join('\n'),
        'deploy-status': report.deploy?.status ?? 'skipped',
        'mail-status': report.mail?.status ?? 'skipped',
    };
    if (report.build) {
        outputs.imageid = report.build.imageId;
        outputs.metadata = JSON.stringify({
            tags: report.tags,
            digest: report.push?.digest ?? '',
            digestKind: report.push?.kind ?? null,
            digests: report.push?.digests ?? {},
            imageid: report.build.imageId,
            platforms: report.push?.platforms ?? [],
            image: (0,src_report/* pinnedImage */.QJ)(report),
            builder: report.build.builder,
            builderName: report.build.builderName,
            durations: {
                buildMs: Math.round(report.build.durationMs),
                pushMs: roundOrNull(report.push?.durationMs),
            },
            pushTries: report.push?.tries ?? null,
            // An evaluation made no image: which one ran, and what a check found.
            ...(report.build.evaluation && {
                call: report.build.evaluation.call,
                ...(report.build.evaluation.warnings && { warnings: report.build.evaluation.warnings }),
            }),
        });
    }
    if (report.push) {
        outputs.digest = report.push.digest;
        outputs.image = (0,src_report/* pinnedImage */.QJ)(report);
    }
    if (report.deploy) {
        outputs['deploy-result'] = JSON.stringify(report.deploy.targets.map(targetOutput));
    }
    if (report.mail) {
        outputs['message-id'] = report.mail.messageIds.join('\n');
    }
    return outputs;
}
/** One deploy target, as `deploy-result` lists it (a host's fields are those of earlier versions). */
function targetOutput(target) {
    const common = {
        status: target.status,
        durationMs: Math.round(target.durationMs),
        message: target.message,
    };
    if (target.kind === 'watchtower') {
        const { url, httpStatus, counts } = target;
        return {
            kind: target.kind,
            url,
            ...common,
            httpStatus: httpStatus ?? null,
            ...(counts ? { counts } : {}),
        };
    }
    const { service, endpoint, previousImage, image, replicas } = target;
    return {
        kind: target.kind,
        service,
        endpoint,
        ...common,
        previousImage,
        image,
        replicas: replicas ?? null,
    };
}
function roundOrNull(ms) {
    return ms === undefined ? null : Math.round(ms);
}

// EXTERNAL MODULE: ./src/redaction.ts
var redaction = __webpack_require__(1066);
// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(8992);
;// CONCATENATED MODULE: ./src/summary.ts
// The job summary (GitHub-flavoured markdown), as a pure function of the report.




/** Text for a table cell: no HTML, no pipes, line breaks kept as <br>. */
function cell(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '&#124;')
        .replace(/`/g, '&#96;')
        .replace(/\r?\n/g, '<br>');
}
function code(text) {
    return text ? `<code>${cell(text)}</code>` : '';
}
function summary_link(text, url) {
    return url ? `[${cell(text)}](${url})` : cell(text);
}
function table(header, rows) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
function headline(report) {
    const failure = (0,src_report/* failureHeadline */.Ni)(report);
    const first = report.tags[0] ?? 'image';
    if (report.cancelled)
        return `❌ cancelled during ${report.cancelled.stage}`;
    if (failure)
        return `❌ ${failure}`;
    const evaluation = report.build?.evaluation;
    if (evaluation) {
        // A check says what it found; the other calls print their result to the log.
        const found = evaluation.warnings
            ? `: ${(0,src_report/* warningCount */.KL)(evaluation.warnings.length)} (nothing built)`
            : ` (call: ${evaluation.call}, nothing built)`;
        return `✅ ${(0,src_report/* successVerb */.FO)(report)} ${code(first)}${found}`;
    }
    if (!report.pushRequested)
        return `✅ built ${code(first)} (not pushed)`;
    return `✅ ${(0,src_report/* successVerb */.FO)(report)} ${code(first)}`;
}
function builderText(report) {
    if (!report.build)
        return '';
    if (report.build.builder === 'docker')
        return 'docker build (classic)';
    return `docker buildx build${report.build.builderName ? ` (builder ${code(report.build.builderName)})` : ''}`;
}
function digestText(report) {
    if (!report.push)
        return '';
    if (report.push.kind === 'manifest')
        return code(report.push.digest);
    const platforms = report.push.platforms.map((p) => p.platform).join(', ');
    return `${code(report.push.digest)}<br>image index${platforms ? ` of ${cell(platforms)}` : ''}`;
}
function buildRows(report) {
    const gh = report.github;
    const labels = (0,src_report/* digestLabels */.Of)(report);
    const rows = [
        [
            'Status',
            report.cancelled
                ? `❌ cancelled (${report.cancelled.signal}) during ${report.cancelled.stage}`
                : (0,src_report/* overallStatus */.gX)(report) === 'success'
                    ? '✅ success'
                    : `❌ failure in ${(0,src_report/* failedStage */.g4)(report)}`,
        ],
        [
            'Image',
            code((0,src_report/* pinnedImage */.QJ)(report)) ||
                (report.build?.evaluation
                    ? `_nothing built (call: ${report.build.evaluation.call})_`
                    : report.pushRequested
                        ? '_not pushed_'
                        : '_push disabled_'),
        ],
        [labels.digest, digestText(report)],
        ['Tags', report.tags.map(code).join('<br>') || '_none_'],
        [labels.imageId, code(report.build?.imageId ?? '')],
        ['Builder', builderText(report)],
        ['Commit', gh?.sha ? summary_link((0,github/* shortSha */.Fu)(gh.sha), gh.commitUrl) : ''],
        ['Ref', code(gh?.ref ?? '')],
        ['Actor', gh?.actor ? cell(`@${gh.actor}`) : ''],
        ['Run', gh?.runUrl ? summary_link('workflow run', gh.runUrl) : ''],
        ['Build', (0,src_report/* formatDuration */.a3)(report.build?.durationMs)],
        [
            'Push',
            report.push
                ? `${report.push.durationMs === undefined ? 'included in build' : (0,src_report/* formatDuration */.a3)(report.push.durationMs)}, ${report.push.tries === 1 ? '1 try' : `${report.push.tries} tries`}`
                : '',
        ],
    ];
    return rows.filter(([, value]) => value !== '');
}
function failureSection(report) {
    const error = (0,src_report/* errorText */.kc)(report);
    if (!error)
        return [];
    const lines = [`### What failed`, '', cell(error)];
    if (report.failure?.logTail) {
        // A fenced block keeps docker's output verbatim; fences inside it are broken up.
        lines.push('', '<details><summary>Last lines of docker output</summary>', '', '```text', report.failure.logTail.replace(/```/g, "'''"), '```', '', '</details>');
    }
    return lines;
}
function deploySection(report) {
    const deploy = report.deploy;
    if (!deploy)
        return [];
    const hosts = deploy.targets.filter((target) => target.kind === 'watchtower');
    const services = deploy.targets.filter((target) => target.kind === 'swarm');
    const lines = [
        '### Deployment',
        '',
        `**${deploy.status}**${deploy.reason ? `: ${cell(deploy.reason)}` : ''}`,
    ];
    if (hosts.length > 0) {
        lines.push('', table(['Host', 'Result', 'HTTP', 'Time', 'Details'], hosts.map((host) => [
            cell(host.url),
            host.status,
            host.httpStatus === undefined ? '–' : String(host.httpStatus),
            (0,src_report/* formatDuration */.a3)(host.durationMs),
            cell(host.message),
        ])));
    }
    if (services.length > 0) {
        lines.push('', table(['Swarm service', 'Result', 'On new image', 'Image before → pushed', 'Time', 'Details'], services.map((service) => [
            cell(service.endpoint ? `${service.service} (${service.endpoint})` : service.service),
            service.status,
            (0,src_report/* replicaCount */.UQ)(service.replicas),
            cell(`${service.previousImage || '?'} → ${service.image}`),
            (0,src_report/* formatDuration */.a3)(service.durationMs),
            cell(service.message),
        ])));
    }
    return lines;
}
function mailSection(report) {
    const mail = report.mail;
    if (!mail)
        return [];
    // Summaries are readable by everyone who can read the run, so addresses are masked.
    const recipients = mail.recipients.map(maskEmail);
    const shown = recipients.slice(0, 10).join(', ') +
        (recipients.length > 10 ? `, … (${recipients.length - 10} more)` : '');
    return [
        '### Email',
        '',
        table(['Status', 'Recipients', 'Message ID', 'Details'], [
            [
                mail.status,
                cell(`${mail.recipients.length}: ${shown}`),
                cell(mail.messageIds.join(', ')),
                cell(mail.message),
            ],
        ]),
    ];
}
/**
 * The summary cut under GitHub's limit (it drops a larger one whole, so nothing would show): an
 * open code block and details element are closed after the cut.
 */
function fitSummary(markdown) {
    if (Buffer.byteLength(markdown) <= src_text/* SUMMARY_LIMIT */.Jt)
        return markdown;
    const cut = (0,src_text/* cutText */.IN)(markdown, src_text/* SUMMARY_LIMIT */.Jt - 64);
    const openFence = (cut.match(/^```/gm)?.length ?? 0) % 2 === 1;
    const openDetails = (cut.match(/<details>/g)?.length ?? 0) > (cut.match(/<\/details>/g)?.length ?? 0);
    return `${cut}${openFence ? '\n```' : ''}${openDetails ? '\n\n</details>' : ''}\n`;
}
/**
 * The job summary; without `build` (build-summary: false), only what failed, the deployment and
 * the email, and nothing at all when none of those has anything to say.
 */
function renderSummary(report, { build = true } = {}) {
    const buildPart = build ? [`## ${headline(report)}`, '', table(['', ''], buildRows(report))] : [];
    const markdown = [
        ...buildPart,
        '',
        ...failureSection(report),
        '',
        ...deploySection(report),
        '',
        ...mailSection(report),
        '',
    ]
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .replace(/^\n+/, '');
    return markdown.trim() ? fitSummary(markdown) : '';
}
/** The summary when the inputs were rejected: nothing ran, so only the problems. */
function renderInputErrorSummary(problems) {
    return fitSummary([
        '## ❌ inputs rejected',
        '',
        'Nothing was built or pushed. Fix these first:',
        '',
        ...problems.map((p) => `- ${cell(p)}`),
        '',
    ].join('\n'));
}

// EXTERNAL MODULE: ./src/workspace.ts + 1 modules
var src_workspace = __webpack_require__(4740);
;// CONCATENATED MODULE: ./src/main.ts
// Runs the stages in order and is the only place that ends the step.














/** How long a cancelled step waits for its stages to stop before it reports and exits. */
const CANCEL_GRACE_MS = 4000;
const filesystem = {
    isDirectory: (p) => external_node_fs_.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false,
    isFile: (p) => external_node_fs_.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false,
    variables: process.env,
};
/** A secret file's text, to mask it; larger files are keys or archives nobody would log. */
function secretFileText(file) {
    const size = external_node_fs_.statSync(file, { throwIfNoEntry: false })?.size ?? Infinity;
    return size <= 65_536 ? readable(file) : undefined;
}
/** Masks in the log (the runner does) the texts of `values` not masked yet; returns all masked. */
function mask(values, masked = []) {
    const texts = (0,redaction/* secretTexts */.Vh)(values).filter((text) => !masked.includes(text));
    for (const text of texts)
        core/* setSecret */.Pq(text);
    return [...masked, ...texts];
}
function readable(file) {
    try {
        return external_node_fs_.readFileSync(file, 'utf8');
    }
    catch {
        return undefined;
    }
}
async function writeSummary(markdown) {
    // Locally (no GITHUB_STEP_SUMMARY) there is nowhere to write it; that is not a failure. Nothing
    // to say (the build part turned off, nothing else happened) writes nothing.
    if (!process.env.GITHUB_STEP_SUMMARY || !markdown)
        return;
    await core/* summary */.z.addRaw(markdown).write();
}
/** The reasons the step fails, in the order the stages ran; later-stage errors the user chose to tolerate become warnings. */
function failures(inputs, report) {
    const reasons = [];
    const failOrWarn = (reason, fail) => {
        if (fail)
            reasons.push(reason);
        else
            (0,log/* warning */.$)(reason);
    };
    if (report.cancelled) {
        // What docker said when it was stopped is in the summary; the reason is the cancellation.
        reasons.push(`cancelled (${report.cancelled.signal}) during ${report.cancelled.stage}`);
        return reasons;
    }
    if (report.failure) {
        const tail = report.failure.logTail ? `\n${report.failure.logTail}` : '';
        reasons.push(`${report.failure.stage} failed: ${report.failure.message}${tail}`);
    }
    const targets = report.deploy?.targets ?? [];
    const failed = targets.filter((target) => (0,src_report/* isFailedTarget */.RQ)(target.status));
    if (failed.length > 0) {
        const where = failed.map((target) => `${(0,src_report/* targetLabel */.Op)(target)} (${target.message})`).join(', ');
        failOrWarn(`deploy failed on ${where}`, inputs.deploy?.failOnError ?? true);
    }
    if (report.mail?.status === 'failed' || report.mail?.status === 'partial') {
        failOrWarn(`email ${report.mail.status}: ${report.mail.message}`, inputs.mail?.failOnError ?? true);
    }
    // Neither sent nor failed for sure: resending could mail everyone twice.
    if (report.mail?.status === 'unknown')
        (0,log/* warning */.$)(`email unconfirmed: ${report.mail.message}`);
    for (const status of src_report/* UNCONFIRMED_STATUSES */.Sj) {
        const these = targets.filter((target) => target.status === status);
        if (these.length > 0)
            (0,log/* warning */.$)(`deploy ${status} on ${these.map((target) => `${(0,src_report/* targetLabel */.Op)(target)} (${target.message})`).join(', ')}`);
    }
    return reasons;
}
/**
 * A deploy or an email cut short by a cancellation: its request may have reached the hosts or
 * SendGrid, so it is reported as not confirmed rather than skipped.
 */
function recordInterruptedStage(report, stage) {
    if (stage === 'deploy' && !report.deploy)
        report.deploy = {
            status: 'unconfirmed',
            targets: [],
            reason: 'cancelled while asking the hosts and services to update: they may have updated',
        };
    if (stage === 'email' && !report.mail)
        report.mail = {
            status: 'unknown',
            recipients: [],
            messageIds: [],
            requests: 0,
            message: 'cancelled while sending: it may have been delivered',
        };
}
/** The main step: every stage, and the step's end, whatever happens. */
async function run() {
    try {
        await runStages();
    }
    catch (error) {
        // A bug, not a user error: still end the step with a message instead of a crash.
        (0,log/* fail */.f)(`build-push-notify: unexpected error: ${error.message}`);
    }
}
async function runStages() {
    // Masked before anything else is read or logged.
    let masked = mask(SECRET_INPUTS.map((name) => core/* getInput */.V4(name)));
    // The summary, outputs, email and annotations are not masked by the runner: they are redacted.
    let redact = (0,redaction/* redactor */.$p)(masked);
    (0,redaction/* setStepRedaction */.YI)(redact);
    const builder = chooseBuilder(process.env, {
        exists: external_node_fs_.existsSync,
        read: readable,
        homedir: external_node_os_.homedir(),
        platform: process.platform,
    });
    let inputs;
    try {
        inputs = readInputs((name) => core/* getInput */.V4(name, { trimWhitespace: false }), {
            ...filesystem,
            builder,
        });
    }
    catch (error) {
        if (!(error instanceof InputError))
            throw error;
        await writeSummary(redact(renderInputErrorSummary(error.problems)));
        (0,log/* fail */.f)(error.message);
        return;
    }
    // The values behind the build secrets, now that they are parsed: each line of a `secrets`
    // value, the variables `secret-envs` names, the files `secret-files` names.
    masked = mask((0,redaction/* buildSecretValues */.XF)(inputs.build.secrets, process.env, secretFileText), masked);
    redact = (0,redaction/* redactor */.$p)(masked);
    (0,redaction/* setStepRedaction */.YI)(redact);
    const report = (0,src_report/* newReport */.bQ)(inputs.build.tags, inputs.build.push, (0,github/* loadGitHubFacts */.nl)());
    const workspace = (0,src_workspace/* createWorkspace */.sK)(process.env, inputs.login?.registry);
    // Saved first, so that the post step removes the workspace if this step is killed.
    core/* saveState */.LZ(src_workspace/* WORKSPACE_STATE */.Ww, workspace.dir);
    // Every docker command of the step uses the step's own config (the login goes there).
    process.env.DOCKER_CONFIG = workspace.dockerConfig;
    let ending;
    /** Reports what did happen and ends the step; once, whether the run ends or is cancelled. */
    const end = () => (ending ??= endStep());
    const endStep = async () => {
        if (report.cancelled)
            recordInterruptedStage(report, report.cancelled.stage);
        report.durationMs = Date.now() - report.startedAt.getTime();
        // On every way here (a cancel, a bug), before anything is made of the report.
        (0,redaction/* redactReport */.a5)(report, redact);
        try {
            for (const [name, value] of Object.entries(stepOutputs(report)))
                core/* setOutput */.uH(name, redact(value));
            await writeSummary(redact(renderSummary(report, { build: inputs.build.summary })));
        }
        finally {
            // The login is in the workspace: it goes even when the summary cannot be written.
            (0,src_workspace/* removeWorkspace */.qh)(workspace.dir);
        }
        const reasons = failures(inputs, report);
        if (reasons.length > 0)
            (0,log/* fail */.f)(reasons.join('\n'));
    };
    let stage = 'build';
    const onSignal = (signal) => {
        if (report.cancelled) {
            // The runner's second signal (SIGTERM 7.5 s after SIGINT): docker goes now, so does the step.
            (0,cli/* stopDockerCommands */.LI)(`the step was cancelled (${signal})`, { now: true });
            void end().finally(() => process.exit(1));
            return;
        }
        report.cancelled = { signal, stage };
        (0,cli/* stopDockerCommands */.LI)(`the step was cancelled (${signal})`);
        // The build half ends within the grace period once docker stops; a deploy or an email in
        // flight is not waited for, the runner kills the step 7.5 s after its SIGINT.
        setTimeout(() => void end().finally(() => process.exit(1)), CANCEL_GRACE_MS).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
        await buildAndPush(inputs, report, builder, workspace, (started) => (stage = started));
        if (report.cancelled && report.failure)
            report.cancelled.stage = report.failure.stage;
        if (inputs.deploy && !report.cancelled) {
            stage = 'deploy';
            const { deploy } = await __webpack_require__.e(/* import() */ 16).then(__webpack_require__.bind(__webpack_require__, 5016));
            report.deploy = await deploy(inputs.deploy, report, workspace.dir);
        }
        (0,redaction/* redactReport */.a5)(report, redact);
        // The email reports the time until it is sent; the outputs, the whole step's.
        report.durationMs = Date.now() - report.startedAt.getTime();
        if (inputs.mail && !report.cancelled) {
            stage = 'email';
            const { notify } = await __webpack_require__.e(/* import() */ 150).then(__webpack_require__.bind(__webpack_require__, 1150));
            report.mail = await notify(inputs.mail, report);
        }
    }
    finally {
        // Whatever happened, what did succeed is reported.
        await end();
    }
    // Reported and cleaned up: a connection still open (a proxy that never answered a request
    // given up on) must not keep the step running.
    process.exit();
}


/***/ }),

/***/ 1259:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ct: () => (/* binding */ fillPlaceholders),
/* harmony export */   hX: () => (/* binding */ unknownPlaceholders),
/* harmony export */   je: () => (/* binding */ PLACEHOLDERS)
/* harmony export */ });
// `{{ name }}` placeholders in the subject, text and HTML inputs, and the three of
// mmichailidis/sendgrid-mail-action (`$EVENT$`, `$ISSUE$`, `$ACTION$`), so that its text works here.
const PLACEHOLDERS = [
    'status',
    'image',
    'digest',
    'short-digest',
    'imageid',
    'short-imageid',
    'tags',
    'repository',
    'ref',
    'sha',
    'short-sha',
    'actor',
    'commit-message',
    'run-url',
    'commit-url',
    'workflow',
    'event',
    'issue',
    'action',
    'duration',
    'failed-stage',
    'error',
    'deploy-status',
    'deploy-result',
];
const PATTERN = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
/** mmichailidis/sendgrid-mail-action's placeholders, and the values they stand for here. */
const DOLLAR_PLACEHOLDERS = {
    EVENT: 'event',
    ISSUE: 'issue',
    ACTION: 'action',
};
/** Both kinds at once, so that a value put in (a commit message saying `$ISSUE$`) stays as it is. */
const ANY_PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}|\$(EVENT|ISSUE|ACTION)\$/g;
/** Names used in `template` that are not placeholders. */
function unknownPlaceholders(template) {
    const known = new Set(PLACEHOLDERS);
    return [...template.matchAll(PATTERN)].map((m) => m[1]).filter((name) => !known.has(name));
}
/** Replaces every placeholder; `escape` is applied to each value (e.g. HTML escaping). */
function fillPlaceholders(template, values, escape = (value) => value) {
    return template.replace(ANY_PLACEHOLDER, (whole, name, dollar) => {
        const key = dollar ? DOLLAR_PLACEHOLDERS[dollar] : name;
        return key && key in values ? escape(values[key]) : whole;
    });
}


/***/ }),

/***/ 1887:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EF: () => (/* binding */ MAX_RECIPIENTS_PER_REQUEST),
/* harmony export */   M: () => (/* binding */ buildMailRequests),
/* harmony export */   wX: () => (/* binding */ recipientsOf)
/* harmony export */ });
/* unused harmony exports dedupeRecipients, planPersonalizations */
const MAX_RECIPIENTS_PER_REQUEST = 1000;
/** Removes addresses already listed earlier (to, then cc, then bcc), case-insensitively. */
function dedupeRecipients(lists) {
    const seen = new Set();
    return lists.map((list) => list.filter(({ email }) => {
        const key = email.toLowerCase();
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    }));
}
function chunk(items, size) {
    const chunks = [];
    for (let i = 0; i < items.length; i += size)
        chunks.push(items.slice(i, i + size));
    return chunks;
}
/**
 * Personalizations grouped into requests of at most 1000 recipients each, to + cc + bcc. cc and
 * bcc ride with the first request only, so each of them gets the message once (the inputs keep
 * them under 1000 together). `individual` gives every recipient, cc and bcc included, one copy
 * addressed to them alone, so nobody sees another address.
 */
function planPersonalizations(to, cc, bcc, individual) {
    const [uniqueTo = [], uniqueCc = [], uniqueBcc = []] = dedupeRecipients([to, cc, bcc]);
    if (individual) {
        const everyone = [...uniqueTo, ...uniqueCc, ...uniqueBcc];
        return chunk(everyone.map((address) => ({ to: [address] })), MAX_RECIPIENTS_PER_REQUEST);
    }
    const firstSize = MAX_RECIPIENTS_PER_REQUEST - uniqueCc.length - uniqueBcc.length;
    if (firstSize < 1)
        throw new Error('cc and bcc together must be fewer than 1000 addresses');
    const groups = [
        uniqueTo.slice(0, firstSize),
        ...chunk(uniqueTo.slice(firstSize), MAX_RECIPIENTS_PER_REQUEST),
    ];
    return groups.map((group, i) => [
        i === 0
            ? {
                to: group,
                ...(uniqueCc.length ? { cc: uniqueCc } : {}),
                ...(uniqueBcc.length ? { bcc: uniqueBcc } : {}),
            }
            : { to: group },
    ]);
}
function buildMailRequests(mail, message, templateData) {
    const content = mail.templateId
        ? { templateId: mail.templateId, dynamicTemplateData: templateData, subject: message.subject }
        : {
            subject: message.subject,
            text: message.text,
            ...(message.html ? { html: message.html } : {}),
        };
    return planPersonalizations(mail.to, mail.cc, mail.bcc, mail.individual).map((personalizations) => ({
        personalizations,
        from: mail.from,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        ...content,
        ...(mail.sandbox ? { mailSettings: { sandboxMode: { enable: true } } } : {}),
    }));
}
/** Every address the requests send to, in order. */
function recipientsOf(requests) {
    return requests.flatMap((request) => request.personalizations.flatMap((p) => [...p.to, ...(p.cc ?? []), ...(p.bcc ?? [])].map((a) => a.email)));
}


/***/ }),

/***/ 1066:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $p: () => (/* binding */ redactor),
/* harmony export */   Vh: () => (/* binding */ secretTexts),
/* harmony export */   XF: () => (/* binding */ buildSecretValues),
/* harmony export */   YI: () => (/* binding */ setStepRedaction),
/* harmony export */   a5: () => (/* binding */ redactReport),
/* harmony export */   eT: () => (/* binding */ redactStrings),
/* harmony export */   x0: () => (/* binding */ redactForStep)
/* harmony export */ });
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8992);

/** A PEM armor line (`-----BEGIN CERTIFICATE-----`): the same in every PEM text, so no secret. */
const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;
/**
 * The texts to hide for secret values: each value, and each line of a multi-line one (a log line
 * shows one line of it) but a PEM armor line, which would hide every certificate's header.
 */
function secretTexts(values) {
    const texts = values.flatMap((value) => [value, ...value.split(/\r?\n/)]);
    return [
        ...new Set(texts.map((text) => text.trim()).filter((text) => text.length >= 3 && !PEM_ARMOR.test(text))),
    ];
}
/** The values behind build secrets: literal values, the variables' values, the files' contents. */
function buildSecretValues(secrets, variables, readText) {
    return secrets.flatMap((secret) => {
        const value = 'value' in secret
            ? secret.value
            : 'variable' in secret
                ? variables[secret.variable]
                : readText(secret.file);
        return value ? [value] : [];
    });
}
/**
 * Replaces every secret text with `***`, as written and as HTML writes it (`&` → `&amp;` …): the
 * summary and the email put texts in HTML, so an escaped secret must not slip past. For a text cut
 * short, the start of a secret the cut left at its end (3 characters or more) goes too.
 */
function redactor(secrets) {
    const values = [...new Set(secrets.flatMap((secret) => [secret, (0,_text_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(secret)]))]
        .filter((secret) => secret.length >= 3)
        .sort((a, b) => b.length - a.length);
    return (text, cutAtEnd = false) => {
        const whole = values.reduce((result, secret) => result.split(secret).join('***'), text);
        if (!cutAtEnd)
            return whole;
        // The longest start of any secret that ends the text.
        let longest = 0;
        for (const secret of values)
            for (let length = secret.length - 1; length > Math.max(longest, 2); length--)
                if (whole.endsWith(secret.slice(0, length)))
                    longest = length;
        return longest > 0 ? `${whole.slice(0, -longest)}***` : whole;
    };
}
let stepRedaction = (text) => text;
/**
 * The step's redaction, for the code that writes text without main at hand (annotations, the
 * tail of docker's output): main sets it as soon as it knows the secrets.
 */
function setStepRedaction(redact) {
    stepRedaction = redact;
}
const redactForStep = (text, cutAtEnd) => stepRedaction(text, cutAtEnd);
/**
 * Redacts every string in `value`, in place, through arrays and plain objects (a Date or a
 * number is left as it is): a field added to the report later is covered without a change here.
 */
function redactStrings(value, redact) {
    if (Array.isArray(value)) {
        for (const [i, item] of value.entries())
            value[i] = typeof item === 'string' ? redact(item) : redactStrings(item, redact);
    }
    else if (value !== null && typeof value === 'object' && isPlainObject(value)) {
        const record = value;
        for (const [key, item] of Object.entries(record))
            record[key] = typeof item === 'string' ? redact(item) : redactStrings(item, redact);
    }
    return value;
}
function isPlainObject(value) {
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
}
/**
 * Redacts the report before anything is made of it: every text in it, from the commit message
 * to what a host answered. The summary and the email escape texts in their own ways (a table
 * cell turns `|` into `&#124;`), so redacting only what they produce could miss a secret.
 */
function redactReport(report, redact) {
    redactStrings(report, redact);
}


/***/ }),

/***/ 665:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FO: () => (/* binding */ successVerb),
/* harmony export */   KL: () => (/* binding */ warningCount),
/* harmony export */   Ni: () => (/* binding */ failureHeadline),
/* harmony export */   Of: () => (/* binding */ digestLabels),
/* harmony export */   Op: () => (/* binding */ targetLabel),
/* harmony export */   QJ: () => (/* binding */ pinnedImage),
/* harmony export */   RQ: () => (/* binding */ isFailedTarget),
/* harmony export */   Sj: () => (/* binding */ UNCONFIRMED_STATUSES),
/* harmony export */   UQ: () => (/* binding */ replicaCount),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   bQ: () => (/* binding */ newReport),
/* harmony export */   g4: () => (/* binding */ failedStage),
/* harmony export */   gX: () => (/* binding */ overallStatus),
/* harmony export */   kc: () => (/* binding */ errorText),
/* harmony export */   s: () => (/* binding */ isUnconfirmedTarget)
/* harmony export */ });
/* harmony import */ var _docker_reference_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2977);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8992);
// What happened in this run, stage by stage. The outputs, the job summary and the email are
// all pure functions of a Report, so they always agree with each other.


/** Targets whose outcome is a failure (the step fails on them unless fail-on-deploy-error is false). */
function isFailedTarget(status) {
    return ['failed', 'no-match', 'rolled-back', 'paused'].includes(status);
}
/** Targets that neither failed nor confirmed the pushed image: a warning each, not a failure. */
const UNCONFIRMED_STATUSES = ['unconfirmed', 'deferred'];
function isUnconfirmedTarget(status) {
    return UNCONFIRMED_STATUSES.includes(status);
}
/** How a target is named in messages: a host by its URL, a service by its name and manager. */
function targetLabel(target) {
    if (target.kind === 'watchtower')
        return target.url;
    return `service ${target.service}${target.endpoint ? ` on ${target.endpoint}` : ''}`;
}
function newReport(tags, pushRequested, github) {
    return { startedAt: new Date(), tags, pushRequested, github };
}
/** Success means the image was built, pushed when asked, and every deploy target took it. */
function overallStatus(report) {
    return failedStage(report) ? 'failure' : 'success';
}
/** `no warnings`, `1 warning`, `2 warnings`. */
function warningCount(count) {
    return count === 0 ? 'no warnings' : count === 1 ? '1 warning' : `${count} warnings`;
}
/** The failure in a few words, for headlines and subjects: `build failed`, `check found 2 warnings`. */
function failureHeadline(report) {
    const stage = failedStage(report);
    if (!stage)
        return undefined;
    const warnings = report.build?.evaluation?.warnings?.length ?? 0;
    if (stage === 'build' && !report.cancelled && warnings > 0)
        return `check found ${warningCount(warnings)}`;
    return `${stage} failed`;
}
function failedStage(report) {
    if (report.cancelled)
        return report.cancelled.stage;
    if (report.failure)
        return report.failure.stage;
    if (report.deploy?.status === 'failed' || report.deploy?.status === 'partial')
        return 'deploy';
    return undefined;
}
/**
 * What a successful run did, in the words the subject, the email and the summary use: "deployed"
 * only when every host and service confirmed it.
 */
function successVerb(report) {
    const evaluation = report.build?.evaluation;
    if (evaluation)
        return evaluation.call === 'check' ? 'checked' : 'evaluated';
    if (!report.pushRequested)
        return 'built';
    if (report.deploy?.status === 'deployed')
        return 'pushed and deployed';
    if (report.deploy?.status === 'unconfirmed')
        return 'pushed, deploy unconfirmed';
    return 'pushed';
}
/**
 * `repo@digest`, the reference that pins exactly what was pushed: of the first tag, or of the
 * first tag in `repository` (tags in different registries can have different digests).
 */
function pinnedImage(report, repository) {
    const repositoryOfTag = (tag) => (0,_docker_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .repositoryOf */ ._)((0,_docker_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .parseImageReference */ .o)(tag));
    const tag = report.tags.find((t) => repository === undefined || repositoryOfTag(t) === repository);
    if (!tag || !report.push)
        return '';
    return `${repositoryOfTag(tag)}@${report.push.digests[tag] ?? report.push.digest}`;
}
/**
 * Labels that say what the digest and the image id are: an index digest is not an image, and
 * the image id of an index build belongs to one platform.
 */
function digestLabels(report) {
    if (report.push?.kind !== 'index')
        return { digest: 'Digest', imageId: 'Image ID' };
    const platform = report.push.platforms.find((p) => p.config === report.build?.imageId)?.platform;
    return { digest: 'Index digest', imageId: platform ? `Image ID (${platform})` : 'Image ID' };
}
/** `2/2`: replicas on the pushed digest of those wanted (`–` when the tasks were not read). */
function replicaCount(replicas) {
    if (!replicas)
        return '–';
    return replicas.desired === undefined
        ? String(replicas.onImage)
        : `${replicas.onImage}/${replicas.desired}`;
}
function formatDuration(ms) {
    if (ms === undefined)
        return '';
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
/** What went wrong, in a sentence or a line per deploy target; bounded, as it goes in the summary and email. */
function errorText(report) {
    if (report.cancelled) {
        const { signal, stage } = report.cancelled;
        return `cancelled (${signal}) during ${stage}${report.failure ? `: ${report.failure.message}` : ''}`;
    }
    if (report.failure)
        return (0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .cutText */ .IN)(report.failure.message, _text_js__WEBPACK_IMPORTED_MODULE_1__/* .MESSAGE_LIMIT */ .Gy);
    const failed = report.deploy?.targets.filter((target) => isFailedTarget(target.status)) ?? [];
    return (0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .cutText */ .IN)(failed.map((target) => `${targetLabel(target)}: ${target.message}`).join('\n'), _text_js__WEBPACK_IMPORTED_MODULE_1__/* .MESSAGE_LIMIT */ .Gy);
}


/***/ }),

/***/ 8992:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gy: () => (/* binding */ MESSAGE_LIMIT),
/* harmony export */   IN: () => (/* binding */ cutText),
/* harmony export */   Jt: () => (/* binding */ SUMMARY_LIMIT),
/* harmony export */   K9: () => (/* binding */ groupDigits),
/* harmony export */   ZD: () => (/* binding */ escapeHtml)
/* harmony export */ });
// Bounds on what the step writes for people, whatever docker or the inputs gave it (GitHub drops
// a job summary over 1 MiB whole, and an error annotation or an email of megabytes helps nobody),
// and the escaping of text inside HTML.
/** The `::error::` message, and the failure text in the summary and the email. */
const MESSAGE_LIMIT = 16 * 1024;
/** The job summary: under GitHub's 1 MiB, with room for the note that says it was cut. */
const SUMMARY_LIMIT = 1_000_000;
/**
 * 1234567 as "1,234,567", as `toLocaleString('en-US')` writes an integer, without the ICU data
 * that call loads on first use (about 13 ms of a run that cuts one line).
 */
function groupDigits(count) {
    return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** `text` cut to at most `maxBytes` UTF-8 bytes, at a line end when there is one, saying so. */
function cutText(text, maxBytes) {
    if (Buffer.byteLength(text) <= maxBytes)
        return text;
    const marker = `\n… [cut: ${groupDigits(Buffer.byteLength(text))} bytes in all; the log has everything]`;
    // A character cut in half decodes as U+FFFD; it is dropped with the partial line after it.
    const kept = Buffer.from(text)
        .subarray(0, maxBytes - Buffer.byteLength(marker))
        .toString('utf8');
    const lineEnd = kept.lastIndexOf('\n');
    const whole = lineEnd > 0 ? kept.slice(0, lineEnd) : kept.replace(/\uFFFD$/, '');
    return whole + marker;
}
/** Text made safe inside HTML: the email's, and the form in which a secret may appear there. */
function escapeHtml(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
}


/***/ }),

/***/ 4740:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ww: () => (/* binding */ WORKSPACE_STATE),
  sK: () => (/* binding */ createWorkspace),
  qh: () => (/* binding */ removeWorkspace)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/docker/config.ts
// The step's own Docker config (DOCKER_CONFIG): every docker command of the step uses it, the
// login is written into it, and it is deleted when the step ends, so the step's credentials
// never outlive it and the user's own config file is never written.
//
// It starts from the user's config: config.json is copied (other registries' logins, credential
// helpers, the current context, plugin settings), and every other entry of the user's folder
// (buildx builders, cli-plugins, contexts) is linked, so they keep working as they are.



/**
 * The key `docker login REGISTRY` stores credentials under: the host as given, except that no
 * registry and `docker.io` mean Docker Hub's index URL (docker CLI 28 keys `index.docker.io`
 * and `registry-1.docker.io` as written).
 */
function loginKey(registry) {
    const host = registry.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    return host === '' || host === 'docker.io' ? 'https://index.docker.io/v1/' : host;
}
/**
 * The step's config.json from the user's. A `credsStore`, or a `credHelpers` entry for the
 * step's registry, would send the step's login to a store outside the step (a keychain, a
 * cloud helper): an empty helper for that registry makes docker (and buildx, which reads the
 * config the same way) keep that one login in the config file itself.
 */
function stepConfigJson(user, loginRegistry) {
    if (loginRegistry === undefined)
        return user;
    const key = loginKey(loginRegistry);
    if (!user.credsStore && !user.credHelpers?.[key])
        return user;
    return { ...user, credHelpers: { ...user.credHelpers, [key]: '' } };
}
/** The user's Docker config folder, as docker finds it. */
function userConfigDir(env) {
    return external_node_path_.resolve(env.DOCKER_CONFIG || external_node_path_.join(external_node_os_.homedir(), '.docker'));
}
/** Creates the step's config in `dir` (mode 0700) from the user's folder `userDir`. */
function createStepConfig(dir, userDir, loginRegistry) {
    external_node_fs_.mkdirSync(dir, { mode: 0o700 });
    // A DOCKER_CONFIG that is missing or not a folder: docker warns and uses its defaults.
    const entries = external_node_fs_.statSync(userDir, { throwIfNoEntry: false })?.isDirectory()
        ? external_node_fs_.readdirSync(userDir)
        : [];
    for (const entry of entries) {
        if (entry !== 'config.json')
            external_node_fs_.symlinkSync(external_node_path_.join(userDir, entry), external_node_path_.join(dir, entry));
    }
    let text;
    try {
        text = external_node_fs_.readFileSync(external_node_path_.join(userDir, 'config.json'), 'utf8');
    }
    catch {
        text = undefined; // no config yet: docker's defaults
    }
    let json;
    try {
        const parsed = text === undefined ? {} : JSON.parse(text);
        // Not an object: copied as it is, so docker reports it in its own words.
        json =
            parsed && typeof parsed === 'object' && !Array.isArray(parsed)
                ? parsed
                : undefined;
    }
    catch {
        json = undefined; // unreadable: the same
    }
    const written = json ? JSON.stringify(stepConfigJson(json, loginRegistry), null, 2) : text;
    external_node_fs_.writeFileSync(external_node_path_.join(dir, 'config.json'), written, { mode: 0o600 });
}

;// CONCATENATED MODULE: ./src/workspace.ts
// The step's own folder under RUNNER_TEMP (mode 0700): its Docker config, the secret files the
// build reads, and the files docker writes back. The main step removes it when it ends; its
// path is saved as state, so the post step removes it when the main step could not (killed).




/** The name of the state (`core.saveState`) that holds the folder's path for the post step. */
const WORKSPACE_STATE = 'workspace';
const PREFIX = 'build-push-notify-';
function createWorkspace(env, loginRegistry) {
    // Absolute, so that the post step (and removeWorkspace's check) finds it from any folder.
    const root = external_node_path_.resolve(env.RUNNER_TEMP || external_node_os_.tmpdir());
    external_node_fs_.mkdirSync(root, { recursive: true });
    const dir = external_node_fs_.mkdtempSync(external_node_path_.join(root, PREFIX));
    const dockerConfig = external_node_path_.join(dir, 'docker-config');
    try {
        createStepConfig(dockerConfig, userConfigDir(env), loginRegistry);
    }
    catch (error) {
        removeWorkspace(dir);
        throw error;
    }
    return { dir, dockerConfig };
}
/**
 * Removes a workspace (links inside it are removed, never what they point to). Only a folder
 * this action made is removed, whatever the state says. Returns whether there was one.
 */
function removeWorkspace(dir) {
    if (!external_node_path_.isAbsolute(dir) || !external_node_path_.basename(dir).startsWith(PREFIX))
        return false;
    if (!external_node_fs_.existsSync(dir))
        return false;
    external_node_fs_.rmSync(dir, { recursive: true, force: true });
    return true;
}


/***/ })

};
