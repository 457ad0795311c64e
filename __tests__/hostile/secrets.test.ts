// Hostile conditions, part 4 (secrets): each of the step's secrets planted where the step does not
// control the text (the commit message, the build's own output, a Watchtower host's answer)
// reaches no email (subject, text, HTML), no summary, no output and no annotation, as written or
// as HTML escapes it. The log itself is the runner's to mask: the step registers every secret.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, annotations, runAction } from '../helpers/action.js';
import { BUILDER } from '../helpers/builders.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { PLANTED } from '../helpers/secrets.js';
import { type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';
import { startWatchtower, type WatchtowerServer } from '../helpers/watchtower-server.js';

const USER = 'ci-bot';
/** A build secret with the characters HTML escapes: a summary cell or the email would change it. */
const BUILD_SECRET = `Planted<Build>&"Secret'-61c0`;
const SECRETS = [...Object.values(PLANTED), ...(BUILDER.buildx ? [BUILD_SECRET] : [])];
const escaped = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

let registry: Registry;
let sendgrid: SendGridServer;
/** A host per secret: the answer's start is quoted in the result, and holds one secret. */
let hosts: WatchtowerServer[];

beforeAll(async () => {
  registry = await startRegistry({ username: USER, password: PLANTED.password });
  sendgrid = await startSendGrid(PLANTED.sendgridToken);
  hosts = await Promise.all(SECRETS.map(() => startWatchtower({ token: PLANTED.watchtowerToken })));
});
afterAll(async () => {
  await registry?.stop();
  await sendgrid?.stop();
  await Promise.all((hosts ?? []).map((host) => host.stop()));
});

/** Every string in a value, JSON in a string decoded too: the texts as a reader gets them. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return [value];
    }
    return typeof parsed === 'object' && parsed !== null ? [value, ...strings(parsed)] : [value];
  }
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Every text the run sent out besides its log: what to search for a secret. */
function outgoingTexts(run: ActionRun, mailsBefore: number): Record<string, string> {
  const mails = sendgrid.received.slice(mailsBefore).map((mail) => mail.body);
  expect(mails.length).toBeGreaterThan(0);
  return {
    email: strings(mails).join('\n'),
    summary: run.summary,
    outputs: strings(run.outputs).join('\n'),
    annotations: [...annotations(run, 'error'), ...annotations(run, 'warning')].join('\n'),
  };
}

/** Where each secret, or its HTML-escaped form, was found. */
function leaks(texts: Record<string, string>): string[] {
  return Object.entries(texts).flatMap(([where, text]) =>
    SECRETS.filter((secret) => text.includes(secret) || text.includes(escaped(secret))).map(
      (secret) => `${secret} in ${where}`,
    ),
  );
}

/** The inputs both runs share: login, a build secret where buildx takes one, email to everyone. */
function inputs(context: string, repo: string): Record<string, string> {
  return {
    context,
    tags: `${registry.host}/${repo}:1`,
    registry: registry.host,
    username: USER,
    password: PLANTED.password,
    ...(BUILDER.buildx ? { secrets: `token=${BUILD_SECRET}` } : {}),
    'sendgrid-token': PLANTED.sendgridToken,
    'sendgrid-api-url': sendgrid.url,
    'watchtower-url': hosts.map((host) => host.url).join('\n'),
    'watchtower-token': PLANTED.watchtowerToken,
    from: 'ci@example.com',
    mail: 'ops@example.com',
    // The user's own templates show each placeholder that carries outside text.
    subject: '{{ status }}: {{ commit-message }}',
    html: '<p>{{ commit-message }}</p><pre>{{ error }}</pre>',
    text: '{{ commit-message }}\n{{ error }}\n{{ deploy-result }}',
  };
}

const commit = {
  head_commit: {
    message: `fix: rotate ${SECRETS.join(' and ')}`,
    timestamp: '2026-11-01T00:00:00Z',
  },
};

describe('secrets in text the step does not control', () => {
  it('in the commit message and the failed build’s output: in no email, summary, output or annotation', async () => {
    // Each secret on a line of its own, and across the 600th character of a longer line, where
    // the failure report cuts docker's lines.
    const quoted = (text: string) => `'${text.replace(/'/g, `'"'"'`)}'`;
    const printAll = SECRETS.flatMap((secret) => [
      `echo ${quoted(secret)}`,
      // BuildKit puts `#N 0.123 ` before it: the secret spans the cut on every builder.
      `echo ${quoted(`${'x'.repeat(575)}${secret}${'y'.repeat(100)}`)}`,
    ]).join(' && ');
    const context = makeContext(`${BUSYBOX_BASE}RUN ${printAll} && exit 3\n`);
    const before = sendgrid.received.length;
    const run = await runAction({
      inputs: inputs(context, uniqueName('leak-build')),
      event: commit,
    });
    fs.rmSync(context, { recursive: true, force: true });
    expect(run.exitCode).toBe(1);
    const texts = outgoingTexts(run, before);
    // The build's output did reach them, redacted: the test planted what it meant to.
    expect(texts.annotations).toMatch(/build failed/);
    expect(texts.email).toContain('***');
    expect(texts.summary).toContain('more characters cut]');
    // The secret at the 600th character went before the line was cut there.
    expect(texts.summary).toMatch(/x{20}\*\*\*y+ … \[\d+ more characters cut\]/);
    expect(leaks(texts)).toEqual([]);
    // Nor the start of one, left by the cut.
    for (const secret of SECRETS)
      for (const [where, text] of Object.entries(texts))
        for (let length = 3; length < secret.length; length++)
          expect(text, `${where}: ${secret.slice(0, length)}`).not.toContain(
            `${secret.slice(0, length)} … [`,
          );
  });

  it('in the commit message and a host’s answer: in no email, summary, output or annotation', async () => {
    const context = makeContext(`${BUSYBOX_BASE}RUN echo fine > /fine\n`);
    // A page that is not Watchtower's answer: its first 60 characters are quoted, which would
    // cut a secret in the middle if it were not redacted first.
    for (const [i, host] of hosts.entries())
      host.queue({
        kind: 'raw',
        status: 200,
        contentType: 'text/html',
        body: `<p>bad token: ${'x'.repeat(40)}${SECRETS[i]} try again</p>`,
      });
    const before = sendgrid.received.length;
    const run = await runAction({
      inputs: inputs(context, uniqueName('leak-host')),
      event: commit,
    });
    fs.rmSync(context, { recursive: true, force: true });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['deploy-status']).toBe('failed');
    const texts = outgoingTexts(run, before);
    expect(texts.outputs).toContain(`not a Watchtower API: HTTP 200 with`);
    expect(texts.outputs).toContain(`bad token: ${'x'.repeat(40)}***`);
    expect(texts.email).toContain(`${'x'.repeat(40)}***`);
    expect(leaks(texts)).toEqual([]);
    // Nor any part of a secret cut at the quote's end.
    for (const secret of SECRETS) expect(texts.outputs).not.toContain(secret.slice(0, 8));
  });

  it('in the commit message: in no dynamic template data', async () => {
    const context = makeContext(`${BUSYBOX_BASE}RUN echo template > /template\n`);
    const before = sendgrid.received.length;
    // A template supplies subject and body: only the facts go to SendGrid.
    const shared = Object.fromEntries(
      Object.entries(inputs(context, uniqueName('leak-tpl'))).filter(
        ([name]) => !['subject', 'html', 'text'].includes(name),
      ),
    );
    const run = await runAction({
      inputs: {
        ...shared,
        'template-id': `d-${'0'.repeat(32)}`,
        'template-data': JSON.stringify({ note: `rotated ${PLANTED.sendgridToken}` }),
      },
      event: commit,
    });
    fs.rmSync(context, { recursive: true, force: true });
    expect(run.exitCode, run.stdout).toBe(0);
    const mail = sendgrid.received.at(-1)!.body as {
      template_id: string;
      personalizations: { dynamic_template_data: Record<string, string> }[];
    };
    expect(mail.template_id).toBe(`d-${'0'.repeat(32)}`);
    expect(mail.personalizations[0]!.dynamic_template_data).toMatchObject({
      commit_message: `fix: rotate ${SECRETS.map(() => '***').join(' and ')}`,
      note: 'rotated ***',
    });
    expect(leaks(outgoingTexts(run, before))).toEqual([]);
  });
});
