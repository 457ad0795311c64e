export const id = 150;
export const ids = [150];
export const modules = {

/***/ 1150:
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
// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(8992);
;// CONCATENATED MODULE: ./src/notify/html.ts
// The default HTML email: a table layout with inline styles, the way mail clients render
// reliably. Every value is escaped, so commit messages and errors show as text. It uses only what
// Gmail, Outlook, Apple Mail and Yahoo render (caniemail's data, checked by a test): no
// `white-space` or `overflow` (Outlook on Windows ignores them), and long values such as digests
// wrap in every client, by `word-break` where it works and `<wbr>` where it does not (Yahoo).


/** Characters between break points in a long value: a digest wraps inside a phone's width. */
const BREAK_EVERY = 16;
/** Runs up to this long (a word, a short tag) are left whole. */
const LONGEST_WHOLE = 24;
/**
 * `text` escaped, with a `<wbr>` break point every 16 characters of a run without spaces longer
 * than 24 (a digest, a URL), for the clients without `word-break`; copying it copies no extra
 * character. Line breaks become `<br>`, and spaces that would collapse `&nbsp;`.
 */
function breakableHtml(text) {
    return text
        .split(/\r?\n/)
        .map((line) => line
        .split(/( +)/)
        .map((part, i) => {
        // Runs of spaces (odd indexes) keep their width: all but the last are non-breaking.
        if (i % 2 === 1)
            return `${'&nbsp;'.repeat(part.length - 1)} `;
        if (part.length <= LONGEST_WHOLE)
            return (0,src_text/* escapeHtml */.ZD)(part);
        const pieces = part.match(new RegExp(`.{1,${BREAK_EVERY}}`, 'gsu')) ?? [];
        return pieces.map(src_text/* escapeHtml */.ZD).join('<wbr>');
    })
        .join('')
        .replace(/^ /, '&nbsp;'))
        .join('<br>');
}
/** A short label kept on one line without `white-space`, which Outlook on Windows ignores. */
function oneLine(text) {
    return (0,src_text/* escapeHtml */.ZD)(text).replace(/ /g, '&nbsp;');
}
const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif";
const MONO = "font-family:SFMono-Regular,Consolas,'Liberation Mono',Menlo,monospace";
function row(label, valueHtml) {
    if (!valueHtml)
        return '';
    return `<tr><td style="padding:6px 12px 6px 0;color:#57606a;vertical-align:top;${FONT};font-size:14px">${oneLine(label)}</td><td style="padding:6px 0;color:#1f2328;${FONT};font-size:14px;word-break:break-word">${valueHtml}</td></tr>`;
}
function mono(text) {
    return text
        ? `<span style="${MONO};font-size:13px;word-break:break-all">${breakableHtml(text)}</span>`
        : '';
}
function html_anchor(text, url) {
    return url
        ? `<a href="${(0,src_text/* escapeHtml */.ZD)(url)}" style="color:#0969da;text-decoration:none">${(0,src_text/* escapeHtml */.ZD)(text)}</a>`
        : (0,src_text/* escapeHtml */.ZD)(text);
}
const TARGET_COLOUR = {
    updated: '#1a7f37',
    'no-change': '#57606a',
    unconfirmed: '#9a6700',
    deferred: '#9a6700',
    'no-match': '#cf222e',
    'rolled-back': '#cf222e',
    paused: '#cf222e',
    failed: '#cf222e',
};
/** What a target's third column says: a host's HTTP status, a service's replicas; and the time. */
function targetFacts(target) {
    const first = target.kind === 'watchtower'
        ? String(target.httpStatus ?? '–')
        : `${(0,src_report/* replicaCount */.UQ)(target.replicas)} replicas`;
    return `${first} · ${(0,src_report/* formatDuration */.a3)(target.durationMs)}`;
}
function deployTable(report) {
    const targets = report.deploy?.targets ?? [];
    if (targets.length === 0)
        return '';
    const cells = targets
        .map((target) => {
        // A service's image before and the one pushed for it, under its message: digests are
        // long, so they wrap.
        const images = target.kind === 'swarm'
            ? `<br><span style="${MONO};font-size:12px;color:#57606a;word-break:break-all">${breakableHtml(`before: ${target.previousImage || '?'}; pushed: ${target.image}`)}</span>`
            : '';
        return `<tr><td style="padding:4px 8px 4px 0;${MONO};font-size:13px;vertical-align:top;word-break:break-all">${breakableHtml((0,src_report/* targetLabel */.Op)(target))}</td><td style="padding:4px 8px;color:${TARGET_COLOUR[target.status]};font-weight:600;${FONT};font-size:13px;vertical-align:top">${(0,src_text/* escapeHtml */.ZD)(target.status)}</td><td style="padding:4px 8px;${FONT};font-size:13px;color:#57606a;vertical-align:top">${oneLine(targetFacts(target))}</td><td style="padding:4px 0;${FONT};font-size:13px;vertical-align:top;word-break:break-word">${breakableHtml(target.message)}${images}</td></tr>`;
    })
        .join('');
    return `<h3 style="margin:24px 0 8px;${FONT};font-size:15px;color:#1f2328">Deployment: ${(0,src_text/* escapeHtml */.ZD)(report.deploy?.status ?? '')}</h3><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">${cells}</table>`;
}
function failureBlock(values, logTail) {
    if (!values.error)
        return '';
    const log = logTail
        ? `<div style="margin-top:8px;padding:12px;background:#f6f8fa;border-radius:6px;${MONO};font-size:12px;color:#1f2328;word-break:break-all">${breakableHtml(logTail)}</div>`
        : '';
    return `<h3 style="margin:24px 0 8px;${FONT};font-size:15px;color:#cf222e">What failed${values['failed-stage'] ? `: ${(0,src_text/* escapeHtml */.ZD)(values['failed-stage'])}` : ''}</h3><div style="${FONT};font-size:14px;color:#1f2328;word-break:break-word">${breakableHtml(values.error)}</div>${log}`;
}
function defaultHtml(report, values) {
    const failure = (0,src_report/* failureHeadline */.Ni)(report);
    const banner = failure
        ? { colour: '#cf222e', text: failure }
        : {
            colour: '#1a7f37',
            text: `Image ${(0,src_report/* successVerb */.FO)(report)}`,
        };
    const commit = [
        html_anchor(values['short-sha'], values['commit-url']),
        breakableHtml(values['commit-message']),
    ]
        .filter(Boolean)
        .join(' ');
    const labels = (0,src_report/* digestLabels */.Of)(report);
    const rows = [
        row('Image', mono(values.image)),
        row(labels.digest, mono(values.digest)),
        row('Tags', report.tags.map(mono).join('<br>')),
        row(labels.imageId, mono(values['short-imageid'])),
        row('Repository', (0,src_text/* escapeHtml */.ZD)(values.repository)),
        row('Commit', commit),
        row('Ref', mono(values.ref)),
        row('Actor', (0,src_text/* escapeHtml */.ZD)(values.actor)),
        row('Duration', (0,src_text/* escapeHtml */.ZD)(values.duration)),
    ].join('');
    const button = values['run-url']
        ? `<p style="margin:24px 0 0"><a href="${(0,src_text/* escapeHtml */.ZD)(values['run-url'])}" style="display:inline-block;padding:10px 16px;background:#1f2328;color:#ffffff;border-radius:6px;text-decoration:none;${FONT};font-size:14px;font-weight:600">View the workflow run</a></p>`
        : '';
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${(0,src_text/* escapeHtml */.ZD)(banner.text)}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f8fa;padding:24px 0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
<tr><td style="background:${banner.colour};border-radius:8px 8px 0 0;padding:16px 24px;color:#ffffff;${FONT};font-size:18px;font-weight:600">${(0,src_text/* escapeHtml */.ZD)(banner.text)}</td></tr>
<tr><td style="padding:20px 24px">
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">${rows}</table>
${deployTable(report)}
${failureBlock(values, report.failure?.logTail ?? '')}
${button}
</td></tr>
<tr><td style="padding:12px 24px;border-top:1px solid #d0d7de;color:#57606a;${FONT};font-size:12px">Sent by build-push-notify${values.workflow ? ` from the ${(0,src_text/* escapeHtml */.ZD)(values.workflow)} workflow` : ''}.</td></tr>
</table></td></tr></table>
</body></html>
`;
}

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
    const failure = (0,src_report/* failureHeadline */.Ni)(report);
    if (failure)
        return `❌ ${failure}: ${first}${sha}`;
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
            ? (0,placeholders/* fillPlaceholders */.Ct)(mail.html, values, src_text/* escapeHtml */.ZD)
            : mail.text
                ? ''
                : defaultHtml(report, values)),
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
 * Sends the email for this run. Every text in it (subject, text, HTML, template data) passes the
 * step's redaction, however a secret got there.
 */
async function notify(mail, report) {
    const skipped = skipReason(mail, report);
    if (skipped) {
        if (mail.token)
            core/* info */.pq(`Email skipped: ${skipped}`);
        else
            (0,log/* warning */.$)(`Email skipped: ${skipped}`);
        return { status: 'skipped', recipients: [], messageIds: [], requests: 0, message: skipped };
    }
    const message = composeMessage(mail, report, redaction/* redactForStep */.x0);
    const templateData = (0,redaction/* redactStrings */.eT)({
        ...templateFacts(placeholderValues(report)),
        subject: message.subject,
        ...structuredClone(mail.templateData),
    }, redaction/* redactForStep */.x0);
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
