export const id = 805;
export const ids = [805];
export const modules = {

/***/ 9805:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  notify: () => (/* binding */ notify)
});

// UNUSED EXPORTS: mailStatus, skipReason

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6288);
// EXTERNAL MODULE: ./src/report.ts
var src_report = __webpack_require__(665);
// EXTERNAL MODULE: ./src/github.ts
var github = __webpack_require__(9248);
;// CONCATENATED MODULE: ./src/notify/facts.ts
// The facts an email can mention, computed once from the report: placeholder values for
// subject/text/html and the data merged into a SendGrid dynamic template.


function shortHash(digest) {
    return digest.replace(/^sha256:/, '').slice(0, 12);
}
/**
 * A line per deploy target, e.g. `https://a:8080: updated (HTTP 200, 1.2 s) scanned 1, …` or
 * `service api: rolled-back (0/2 on the new image, 14.2 s) the update failed…`; a service's
 * image before and the one pushed for it on a line of their own, indented.
 */
function deployLines(report) {
    return (report.deploy?.targets ?? []).flatMap((target) => {
        const facts = target.kind === 'swarm'
            ? [`${(0,src_report/* replicaCount */.UQ)(target.replicas)} on the new image`]
            : target.httpStatus
                ? [`HTTP ${target.httpStatus}`]
                : [];
        if (facts.length > 0)
            facts.push((0,src_report/* formatDuration */.a3)(target.durationMs));
        const line = `${(0,src_report/* targetLabel */.Op)(target)}: ${target.status}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${target.message ? ` ${target.message}` : ''}`;
        return target.kind === 'swarm'
            ? [line, `  image before: ${target.previousImage || '?'}; pushed: ${target.image}`]
            : [line];
    });
}
function placeholderValues(report) {
    const gh = report.github;
    const digest = report.push?.digest ?? '';
    const imageId = report.build?.imageId ?? '';
    return {
        status: (0,src_report/* overallStatus */.gX)(report),
        image: (0,src_report/* pinnedImage */.QJ)(report) || (report.tags[0] ?? ''),
        digest,
        'short-digest': shortHash(digest),
        imageid: imageId,
        'short-imageid': shortHash(imageId),
        tags: report.tags.join(', '),
        repository: gh?.repository ?? '',
        ref: gh?.ref ?? '',
        sha: gh?.sha ?? '',
        'short-sha': (0,github/* shortSha */.Fu)(gh?.sha ?? ''),
        actor: gh?.actor ?? '',
        'commit-message': (gh?.commitMessage ?? '').split('\n')[0] ?? '',
        'run-url': gh?.runUrl ?? '',
        'commit-url': gh?.commitUrl ?? '',
        workflow: gh?.workflow ?? '',
        event: gh?.eventName ?? '',
        issue: gh?.issue ?? '',
        action: gh?.action ?? '',
        duration: (0,src_report/* formatDuration */.a3)(report.durationMs),
        'failed-stage': (0,src_report/* failedStage */.g4)(report) ?? '',
        error: (0,src_report/* errorText */.kc)(report),
        'deploy-status': report.deploy?.status ?? 'skipped',
        'deploy-result': deployLines(report).join('\n'),
    };
}
/** Placeholder values with snake_case keys, which Handlebars templates can name directly. */
function templateFacts(values) {
    return Object.fromEntries(Object.entries(values).map(([key, value]) => [key.replace(/-/g, '_'), value]));
}

// EXTERNAL MODULE: ./src/notify/placeholders.ts
var placeholders = __webpack_require__(1259);
// EXTERNAL MODULE: ./src/notify/html.ts
var html = __webpack_require__(4956);
;// CONCATENATED MODULE: ./src/notify/message.ts




const MAX_SUBJECT = 200;
/** A subject is one header line: line breaks and control characters become spaces. */
function sanitizeSubject(subject) {
    const flat = subject
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f]+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return flat.length > MAX_SUBJECT ? `${flat.slice(0, MAX_SUBJECT - 1)}…` : flat;
}
function defaultSubject(report, values) {
    const first = report.tags[0] ?? 'image';
    const sha = values['short-sha'] ? ` (${values['short-sha']})` : '';
    const stage = (0,src_report/* failedStage */.g4)(report);
    if (stage)
        return `❌ ${stage} failed: ${first}${sha}`;
    return `✅ ${(0,src_report/* successVerb */.FO)(report)} ${first}${sha}`;
}
function defaultText(report, values) {
    const stage = (0,src_report/* failedStage */.g4)(report);
    const labels = (0,src_report/* digestLabels */.Of)(report);
    const rows = [
        ['Status', stage ? `failure (${stage} failed)` : 'success'],
        ['Image', values.image],
        [labels.digest, values.digest],
        ['Tags', values.tags],
        [labels.imageId, values.imageid],
        ['Repository', values.repository],
        ['Commit', [values['short-sha'], values['commit-message']].filter(Boolean).join(' ')],
        ['Ref', values.ref],
        ['Actor', values.actor],
        ['Duration', values.duration],
        ['Run', values['run-url']],
    ];
    const lines = rows.filter(([, value]) => value).map(([label, value]) => `${label}: ${value}`);
    const hosts = deployLines(report);
    if (hosts.length > 0)
        lines.push('', `Deployment: ${values['deploy-status']}`, ...hosts.map((line) => `  ${line}`));
    if (values.error)
        lines.push('', 'Error:', values.error);
    if (report.failure?.logTail)
        lines.push('', 'Last lines of docker output:', report.failure.logTail);
    return `${lines.join('\n')}\n`;
}
/**
 * The email's texts. Each passes `redact` once filled, before the subject is cut to one line: a
 * template can carry a secret as well as the report can.
 */
function composeMessage(mail, report, redact = (text) => text) {
    const values = placeholderValues(report);
    return {
        subject: sanitizeSubject(redact(mail.subject ? (0,placeholders/* fillPlaceholders */.Ct)(mail.subject, values) : defaultSubject(report, values))),
        text: redact(mail.text ? (0,placeholders/* fillPlaceholders */.Ct)(mail.text, values) : defaultText(report, values)),
        html: redact(mail.html
            ? (0,placeholders/* fillPlaceholders */.Ct)(mail.html, values, html/* escapeHtml */.ZD)
            : mail.text
                ? ''
                : (0,html/* defaultHtml */.FF)(report, values)),
    };
}

// EXTERNAL MODULE: ./src/notify/requests.ts
var notify_requests = __webpack_require__(1887);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(5625);
// EXTERNAL MODULE: ./src/redaction.ts
var redaction = __webpack_require__(1066);
;// CONCATENATED MODULE: ./src/notify/stage.ts
// The email stage: decides whether this run sends, builds the requests, sends them, and
// returns what happened, request by request. Never throws: a failure is a MailResult.







/** Why this run sends no email, or undefined when it does. */
function skipReason(mail, report) {
    const status = (0,src_report/* overallStatus */.gX)(report);
    if (mail.notifyOn === 'never')
        return 'notify-on is never';
    if (mail.notifyOn === 'success' && status !== 'success')
        return 'notify-on is success and the run failed';
    if (mail.notifyOn === 'failure' && status !== 'failure')
        return 'notify-on is failure and the run succeeded';
    if (!mail.token)
        return 'sendgrid-token is empty (pull requests from forks get no secrets)';
    return undefined;
}
/**
 * Sends the email for this run. Every text in it (subject, text, HTML, template data) passes
 * `redact`, the step's redaction, however a secret got there.
 */
async function notify(mail, report, redact) {
    const skipped = skipReason(mail, report);
    if (skipped) {
        if (mail.token)
            core/* info */.pq(`Email skipped: ${skipped}`);
        else
            (0,log/* warning */.$)(`Email skipped: ${skipped}`);
        return { status: 'skipped', recipients: [], messageIds: [], requests: 0, message: skipped };
    }
    const message = composeMessage(mail, report, redact);
    const templateData = (0,redaction/* redactStrings */.eT)({
        ...templateFacts(placeholderValues(report)),
        subject: message.subject,
        ...structuredClone(mail.templateData),
    }, redact);
    const requests = (0,notify_requests/* buildMailRequests */.M)(mail, message, templateData);
    const recipients = (0,notify_requests/* recipientsOf */.wX)(requests);
    let outcomes;
    try {
        const { sendAll } = await __webpack_require__.e(/* import() */ 937).then(__webpack_require__.bind(__webpack_require__, 6937));
        outcomes = await sendAll(mail, requests);
    }
    catch (error) {
        outcomes = requests.map(() => ({ kind: 'failed', message: error.message }));
    }
    const status = mailStatus(outcomes.map((outcome) => outcome.kind), mail.sandbox);
    const messageIds = outcomes.flatMap((outcome) => outcome.kind === 'accepted' && outcome.messageId ? [outcome.messageId] : []);
    // Which requests did not go through, and who they were for.
    const problems = outcomes.flatMap((outcome, i) => {
        if (outcome.kind === 'accepted')
            return [];
        if (requests.length === 1)
            return [outcome.message];
        const count = (0,notify_requests/* recipientsOf */.wX)([requests[i]]).length;
        return [`request ${i + 1} of ${requests.length} (${count} recipients): ${outcome.message}`];
    });
    const accepted = outcomes.filter((outcome) => outcome.kind === 'accepted').length;
    core/* info */.pq(`Email ${status}: ${recipients.length} recipient(s) in ${requests.length} request(s), ${accepted} accepted`);
    return {
        status,
        recipients,
        messageIds,
        requests: requests.length,
        message: problems.join('\n'),
    };
}
/**
 * The email's status from each request's outcome: `sent` only when every request was accepted;
 * `partial` when some were accepted or got no answer (may have been delivered) and others failed
 * for sure; `unknown` when none failed for sure but some got no answer.
 */
function mailStatus(kinds, sandbox) {
    const accepted = kinds.filter((kind) => kind === 'accepted').length;
    const failed = kinds.filter((kind) => kind === 'failed').length;
    if (failed === 0 && accepted === kinds.length)
        return sandbox ? 'sandboxed' : 'sent';
    if (failed === 0)
        return 'unknown';
    return failed === kinds.length ? 'failed' : 'partial';
}


/***/ })

};
