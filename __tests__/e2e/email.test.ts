// Part 2 end to end: the bundle builds and pushes on the real daemon and registry, then emails
// through a local server that enforces SendGrid's documented contract for POST /v3/mail/send.
import * as fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorAnnotations, runAction } from '../helpers/action.js';
import { BUSYBOX_BASE, makeContext, uniqueName } from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';

let registry: Registry;
let sendgrid: SendGridServer;
let context: string;

beforeAll(async () => {
  registry = await startRegistry();
  context = makeContext(`${BUSYBOX_BASE}RUN echo email > /email\n`);
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(context, { recursive: true, force: true });
});
afterEach(async () => {
  await sendgrid?.stop();
});

async function runWithMail(inputs: Record<string, string>, event?: Record<string, unknown>) {
  const repo = uniqueName('mail');
  const run = await runAction({
    inputs: {
      context,
      tags: `${registry.host}/${repo}:1.4.0`,
      'sendgrid-token': PLANTED.sendgridToken,
      'sendgrid-api-url': sendgrid.url,
      mail: 'Dev Team <dev@example.com>, ops@example.com',
      from: 'CI <ci@example.com>',
      ...inputs,
    },
    event,
  });
  expect(leakedSecrets(run)).toEqual([]);
  return { run, repo };
}

describe('email through SendGrid', () => {
  it('sends one email that carries the digest the registry serves', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const { run, repo } = await runWithMail({
      cc: 'lead@example.com',
      'reply-to': 'ops@example.com',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const served = await registry.manifestDigest(repo, '1.4.0');
    expect(run.outputs.digest).toBe(served);

    expect(sendgrid.received).toHaveLength(1);
    const [mail] = sendgrid.received;
    expect(mail!.status).toBe(202);
    expect(mail!.authorization).toBe(`Bearer ${PLANTED.sendgridToken}`);
    expect(mail!.body.from).toEqual({ email: 'ci@example.com', name: 'CI' });
    expect(mail!.body.personalizations).toEqual([
      {
        to: [{ email: 'dev@example.com', name: 'Dev Team' }, { email: 'ops@example.com' }],
        cc: [{ email: 'lead@example.com' }],
      },
    ]);
    expect(mail!.body.subject).toBe(`✅ pushed ${registry.host}/${repo}:1.4.0 (3f2c1ab)`);
    const [text, html] = mail!.body.content!;
    expect(text!.type).toBe('text/plain');
    expect(text!.value).toContain(served);
    expect(html!.type).toBe('text/html');
    // Long values carry <wbr> break points, which copying leaves out.
    expect(html!.value!.replace(/<wbr>/g, '')).toContain(served);
    expect(html!.value).toContain('https://github.com/acme/api/actions/runs/4242');

    expect(run.outputs['mail-status']).toBe('sent');
    expect(run.outputs['message-id']).toMatch(/^[0-9a-f]{22}$/);
    expect(run.summary).toContain('### Email');
    expect(run.summary).toContain('d***@example.com');
    expect(run.summary).not.toContain('dev@example.com');
  });

  it('a broken Dockerfile sends a failure email with the stage and log tail, then fails the step', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const broken = makeContext(`${BUSYBOX_BASE}RUN echo "fatal: <missing> dependency" && exit 7\n`);
    const { run } = await runWithMail(
      { context: broken },
      { head_commit: { message: 'Break <b>it</b>\n::set-output name=digest::forged' } },
    );
    fs.rmSync(broken, { recursive: true, force: true });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run)[0]).toMatch(/^build failed: docker (buildx )?build failed/);
    expect(sendgrid.received).toHaveLength(1);
    const body = sendgrid.received[0]!.body;
    expect(body.subject).toMatch(/^❌ build failed: /);
    expect(body.content![0]!.value).toContain('fatal: <missing> dependency');
    expect(body.content![1]!.value).toContain('fatal: &lt;missing&gt; dependency');
    expect(body.content![1]!.value).toContain('Break &lt;b&gt;it&lt;/b&gt;');
    expect(run.outputs['mail-status']).toBe('sent');
    // The commit message reached the email, never the runner's command stream.
    expect(run.outputs.digest ?? '').toBe('');
    expect(run.stdout).not.toMatch(/^::set-output/m);
  });

  it('429 then 202: waits as told, retries, and sends once', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    sendgrid.queue({
      kind: 'status',
      status: 429,
      headers: { 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 1) },
      body: { errors: [{ message: 'too many requests', field: null }] },
    });
    const { run } = await runWithMail({});
    expect(run.exitCode, run.stdout).toBe(0);
    expect(sendgrid.requestCount()).toBe(2);
    expect(sendgrid.received).toHaveLength(1);
    expect(run.stdout).toMatch(/SendGrid answered HTTP 429.*retrying/);
  });

  it('400 fails the step with SendGrid’s message and field, keeping the digest', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    sendgrid.always({
      kind: 'status',
      status: 400,
      body: {
        errors: [
          {
            message: 'The from address does not match a verified Sender Identity.',
            field: 'from',
            help: null,
          },
        ],
      },
    });
    const { run } = await runWithMail({});
    expect(run.exitCode).toBe(1);
    expect(sendgrid.requestCount()).toBe(1);
    expect(errorAnnotations(run)[0]).toBe(
      'email failed: SendGrid answered HTTP 400: The from address does not match a verified Sender Identity. (field: from)',
    );
    expect(run.outputs.digest).toMatch(/^sha256:/);
    expect(run.outputs['mail-status']).toBe('failed');
    expect(run.summary).toContain('verified Sender Identity');
  });

  it('2500 recipients make 3 requests that each pass the contract', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const recipients = Array.from({ length: 2500 }, (_, i) => `user${i}@example.com`).join('\n');
    const { run } = await runWithMail({ mail: recipients, individual: 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(sendgrid.requestCount()).toBe(3);
    expect(sendgrid.received.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(sendgrid.received.map((r) => r.body.personalizations!.length)).toEqual([
      1000, 1000, 500,
    ]);
  });

  it('1,500 recipients, the second request fails: partial, the first is kept and not resent', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    sendgrid.queue(
      { kind: 'pass' },
      { kind: 'status', status: 400, body: { errors: [{ message: 'Bad Request', field: null }] } },
    );
    const recipients = Array.from({ length: 1500 }, (_, i) => `user${i}@example.com`).join('\n');
    const { run } = await runWithMail({ mail: recipients });
    expect(run.exitCode).toBe(1);
    expect(sendgrid.requestCount()).toBe(2);
    expect(run.outputs['mail-status']).toBe('partial');
    const accepted = sendgrid.received.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(1);
    expect(run.outputs['message-id']).toMatch(/^\w{22}$/);
    expect(run.summary).toContain(run.outputs['message-id']);
    expect(errorAnnotations(run)[0]).toBe(
      'email partial: request 2 of 2 (500 recipients): SendGrid answered HTTP 400: Bad Request',
    );
  });

  it('a request answered after the timeout is not sent again: unknown, with a warning', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    // SendGrid accepts it, 1.5 s later: after the action stopped waiting.
    sendgrid.always({ kind: 'delay', ms: 1500 });
    const { run } = await runWithMail({ 'sendgrid-timeout': '1' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['mail-status']).toBe('unknown');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Delivered once, not four times.
    expect(sendgrid.requestCount()).toBe(1);
    expect(sendgrid.received.map((r) => r.status)).toEqual([202]);
    expect(run.stdout).toMatch(
      /::warning::email unconfirmed: could not reach SendGrid: timeout of 1000ms exceeded; SendGrid may have accepted it, so it was not sent again/,
    );
  });

  it('individual with cc and bcc: each address gets one copy addressed to it alone', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const { run } = await runWithMail({
      individual: 'true',
      cc: 'lead@example.com',
      bcc: 'audit@example.com',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const [mail] = sendgrid.received;
    expect(mail!.body.personalizations).toEqual([
      { to: [{ email: 'dev@example.com', name: 'Dev Team' }] },
      { to: [{ email: 'ops@example.com' }] },
      { to: [{ email: 'lead@example.com' }] },
      { to: [{ email: 'audit@example.com' }] },
    ]);
    expect(sendgrid.received.some((r) => r.dropped)).toBe(false);
  });

  it('an empty token (fork pull request) skips the email with a warning; the push is unaffected', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const { run } = await runWithMail({ 'sendgrid-token': '' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toMatch(/^sha256:/);
    expect(run.outputs['mail-status']).toBe('skipped');
    expect(run.stdout).toMatch(/::warning::Email skipped: sendgrid-token is empty/);
    expect(sendgrid.requestCount()).toBe(0);
  });

  it('sandbox mode is validated by SendGrid (200) and reported as sandboxed', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const { run } = await runWithMail({
      sandbox: 'true',
      subject: '{{ status }} {{ short-digest }} {{ short-sha }}',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(sendgrid.received[0]!.status).toBe(200);
    expect(sendgrid.received[0]!.body.subject).toMatch(/^success [0-9a-f]{12} 3f2c1ab$/);
    expect(run.outputs['mail-status']).toBe('sandboxed');
  });

  it('dynamic templates get the build facts merged with template-data', async () => {
    sendgrid = await startSendGrid(PLANTED.sendgridToken);
    const { run } = await runWithMail({
      'template-id': 'd-0123456789abcdef0123456789abcdef',
      'template-data': '{"team":"api","status":"custom"}',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const body = sendgrid.received[0]!.body as {
      template_id: string;
      personalizations: { dynamic_template_data: Record<string, string> }[];
      content?: unknown;
    };
    expect(body.template_id).toBe('d-0123456789abcdef0123456789abcdef');
    expect(body.content).toBeUndefined();
    expect(body.personalizations[0]!.dynamic_template_data).toMatchObject({
      team: 'api',
      status: 'custom',
      digest: run.outputs.digest,
      short_sha: '3f2c1ab',
    });
  });
  it('mmichailidis/sendgrid-mail-action’s documented examples, with `from` added, send as they did there', async () => {
    sendgrid = await startSendGrid('sample');
    // Its README's `with:` block (mmichailidis/sendgrid-mail-action@216e194), verbatim, plus the
    // one input this action requires; then its other documented forms: the list of `mail`, its
    // default `text` with its placeholders, and `splitterator`.
    const readmeExample = parse("sendgrid-token: 'sample'\nmail: 'a.mail@mail.to'\n") as Record<
      string,
      string
    >;
    const migrated = { ...readmeExample, from: 'ci@example.com' };
    const runs = [
      migrated,
      { ...migrated, mail: 'a.mail@mail.to,b.mail@mail.to' },
      {
        ...migrated,
        mail: 'a.mail@mail.to;b.mail@mail.to',
        splitterator: ';',
        subject: 'GitHub action notification',
        text: 'The following action $ACTION$ produced an event $EVENT$ ',
      },
    ];
    for (const inputs of runs) {
      const repo = uniqueName('from-mmichailidis');
      const run = await runAction({
        inputs: {
          context,
          tags: `${registry.host}/${repo}:1`,
          'sendgrid-api-url': sendgrid.url,
          ...inputs,
        },
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs['mail-status']).toBe('sent');
    }
    const [first, list, custom] = sendgrid.received.map((mail) => mail.body);
    expect(sendgrid.received.map((mail) => mail.authorization)).toEqual(
      Array(3).fill('Bearer sample'),
    );
    expect(first!.personalizations![0]!.to).toEqual([{ email: 'a.mail@mail.to' }]);
    expect(list!.personalizations![0]!.to).toEqual([
      { email: 'a.mail@mail.to' },
      { email: 'b.mail@mail.to' },
    ]);
    expect(custom!.personalizations![0]!.to).toHaveLength(2);
    expect(custom!.subject).toBe('GitHub action notification');
    // $ACTION$ is the step (GITHUB_ACTION), $EVENT$ the event's name, as there.
    expect(custom!.content).toEqual([
      { type: 'text/plain', value: 'The following action ship produced an event push ' },
    ]);
  });
});
