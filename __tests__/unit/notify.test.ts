import { caniemail, rawData } from 'caniemail';
import { describe, expect, it } from 'vitest';
import type { GitHubFacts } from '../../src/github.js';
import type { MailInputs } from '../../src/inputs/index.js';
import { maskEmail, parseAddress, parseAddressList } from '../../src/notify/address.js';
import { placeholderValues } from '../../src/notify/facts.js';
import { escapeHtml } from '../../src/text.js';
import { composeMessage, sanitizeSubject } from '../../src/notify/message.js';
import {
  fillPlaceholders,
  PLACEHOLDERS,
  unknownPlaceholders,
} from '../../src/notify/placeholders.js';
import { buildMailRequests, planPersonalizations } from '../../src/notify/requests.js';
import { failureKind, MAX_WAIT_MS, retryDelayMs } from '../../src/notify/retry.js';
import { mailStatus, skipReason } from '../../src/notify/stage.js';
import type { Report } from '../../src/report.js';
import { redactor } from '../../src/redaction.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const github: GitHubFacts = {
  repository: 'acme/api',
  repositoryUrl: 'https://github.com/acme/api',
  sha: '3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3',
  ref: 'refs/heads/main',
  actor: 'octocat',
  workflow: 'release',
  eventName: 'push',
  action: 'ship',
  issue: '',
  commitMessage: 'Fix <script>alert(1)</script> & more\n\nbody',
  commitTime: undefined,
  commitUrl: 'https://github.com/acme/api/commit/3f2c1ab',
  runUrl: 'https://github.com/acme/api/actions/runs/1',
};

function report(overrides: Partial<Report> = {}): Report {
  return {
    startedAt: new Date(),
    tags: ['ghcr.io/acme/api:1.4.0', 'ghcr.io/acme/api:latest'],
    pushRequested: true,
    github,
    build: {
      builder: 'docker',
      builderName: '',
      imageId: `sha256:${'cd'.repeat(32)}`,
      durationMs: 1200,
    },
    push: {
      digest: DIGEST,
      digests: { 'ghcr.io/acme/api:1.4.0': DIGEST },
      kind: 'manifest',
      platforms: [],
      durationMs: 300,
      tries: 1,
    },
    durationMs: 1600,
    ...overrides,
  };
}

const mail: MailInputs = {
  token: 'SG.x',
  to: [{ email: 'a@x.io' }],
  from: { email: 'ci@x.io', name: 'CI' },
  cc: [],
  bcc: [],
  replyTo: undefined,
  subject: '',
  text: '',
  html: '',
  templateId: '',
  templateData: {},
  notifyOn: 'always',
  individual: false,
  apiUrl: 'https://api.sendgrid.com',
  sandbox: false,
  failOnError: true,
  timeoutSeconds: 30,
};

const addresses = (n: number, domain = 'x.io') =>
  Array.from({ length: n }, (_, i) => ({ email: `u${i}@${domain}` }));

describe('addresses', () => {
  it('parses names, quotes and separators', () => {
    expect(parseAddressList('a@x.io;b@x.io\n"Doe, J" <j@x.io>, K <k@x.io>')).toEqual([
      { email: 'a@x.io' },
      { email: 'b@x.io' },
      { email: 'j@x.io', name: 'Doe, J' },
      { email: 'k@x.io', name: 'K' },
    ]);
    expect(() => parseAddress('a@b')).toThrow(/not an email address/);
    expect(() => parseAddressList('a@x.io, A@X.io')).toThrow(/listed twice/);
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
  });
});

describe('placeholders', () => {
  it('finds unknown names and fills every occurrence', () => {
    expect(unknownPlaceholders('{{ image }} {{digest}} {{ nope }} {{ x-y }}')).toEqual([
      'nope',
      'x-y',
    ]);
    const values = placeholderValues(report());
    expect(fillPlaceholders('{{ short-sha }}/{{short-sha}} {{ digest }}', values)).toBe(
      `3f2c1ab/3f2c1ab ${DIGEST}`,
    );
    expect(Object.keys(values).sort()).toEqual([...PLACEHOLDERS].sort());
  });

  it('fills mmichailidis/sendgrid-mail-action’s $EVENT$, $ISSUE$ and $ACTION$, every one, escaped in HTML', () => {
    const values = placeholderValues(
      report({ github: { ...github, eventName: 'issues', issue: '42', action: 'notify<1>' } }),
    );
    expect(
      fillPlaceholders(
        'The following action $ACTION$ produced an event $EVENT$ on #$ISSUE$ ($EVENT$)',
        values,
      ),
    ).toBe('The following action notify<1> produced an event issues on #42 (issues)');
    expect(fillPlaceholders('<p>$ACTION$</p>', values, escapeHtml)).toBe('<p>notify&lt;1&gt;</p>');
    expect(fillPlaceholders('$EVENT $ISSUE$$', values)).toBe('$EVENT 42$');
    // A value that says $ISSUE$ (a commit message) is not filled again.
    const said = placeholderValues(
      report({ github: { ...github, issue: '42', commitMessage: 'document $ISSUE$' } }),
    );
    expect(fillPlaceholders('{{ commit-message }} in $ISSUE$', said)).toBe(
      'document $ISSUE$ in 42',
    );
  });
});

describe('message', () => {
  it('default subject names status, first tag and short sha', () => {
    expect(composeMessage(mail, report()).subject).toBe(
      '✅ pushed ghcr.io/acme/api:1.4.0 (3f2c1ab)',
    );
    const failed = report({
      push: undefined,
      failure: { stage: 'build', message: 'docker build failed', logTail: 'boom' },
    });
    expect(composeMessage(mail, failed).subject).toBe(
      '❌ build failed: ghcr.io/acme/api:1.4.0 (3f2c1ab)',
    );
  });

  it('default text and HTML carry every fact; HTML escapes what it shows', () => {
    const message = composeMessage(mail, report());
    const text = message.text;
    // Long values carry <wbr> break points, which copying leaves out.
    const html = message.html.replace(/<wbr>/g, '');
    for (const fact of [
      DIGEST,
      'ghcr.io/acme/api:latest',
      'refs/heads/main',
      'octocat',
      github.runUrl,
    ]) {
      expect(text).toContain(fact);
      expect(html).toContain(fact);
    }
    expect(html).not.toContain('<script>');
    expect(html).toContain('Fix &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toMatch(/<table role="presentation"/);
  });

  it('failure emails say which stage failed and show the log tail', () => {
    const failed = report({
      push: undefined,
      failure: { stage: 'push', message: 'denied', logTail: 'unauthorized: <auth>' },
    });
    const { text, html } = composeMessage(mail, failed);
    expect(text).toContain('push failed');
    expect(text).toContain('unauthorized: <auth>');
    expect(html).toContain('unauthorized: &lt;auth&gt;');
  });

  it('user templates: placeholders filled, HTML values escaped, subject kept to one line', () => {
    const custom = {
      ...mail,
      subject: '{{ status }}: {{ commit-message }}',
      html: '<b>{{ commit-message }}</b>',
      text: '{{ image }}',
    };
    const message = composeMessage(custom, report());
    expect(message.subject).toBe('success: Fix <script>alert(1)</script> & more');
    expect(message.html).toBe('<b>Fix &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</b>');
    expect(message.text).toBe(`ghcr.io/acme/api@${DIGEST}`);
    expect(sanitizeSubject('a\r\nBcc: x@y\u0000z')).toBe('a Bcc: x@y z');
  });

  it('every text of the message passes the redaction, templates included, before the subject is cut', () => {
    const secret = 'Planted<Secret>&' + 'x'.repeat(190);
    const redact = redactor([secret]);
    const custom = {
      ...mail,
      subject: `{{ status }} ${secret}`,
      html: `<b>${secret}</b> {{ commit-message }}`,
      text: `{{ image }} ${secret}`,
    };
    const message = composeMessage(custom, report(), redact);
    expect(message.subject).toBe('success ***');
    expect(message.html).toBe('<b>***</b> Fix &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(message.text).toBe(`ghcr.io/acme/api@${DIGEST} ***`);
    // Without redaction the subject's cut would keep the secret's first 190 characters.
    expect(composeMessage(custom, report()).subject).toContain('Planted<Secret>');
  });

  it('a user text without html sends text only', () => {
    expect(composeMessage({ ...mail, text: 'hi' }, report()).html).toBe('');
  });
});

describe('requests', () => {
  it('splits 2500 recipients into 3 requests of at most 1000', () => {
    const plan = planPersonalizations(addresses(2500), [], [], false);
    expect(plan.map((r) => r[0]!.to.length)).toEqual([1000, 1000, 500]);
  });

  it('keeps cc/bcc once, in the first request, within the 1000 limit', () => {
    const plan = planPersonalizations(
      addresses(1500),
      [{ email: 'c@y.io' }],
      [{ email: 'b@y.io' }],
      false,
    );
    const counts = plan.map((r) =>
      r.reduce((n, p) => n + p.to.length + (p.cc?.length ?? 0) + (p.bcc?.length ?? 0), 0),
    );
    expect(counts).toEqual([1000, 502]);
    expect(plan[1]![0]!.cc).toBeUndefined();
  });

  it('sends an address listed in to and cc only once', () => {
    const plan = planPersonalizations(
      [{ email: 'a@x.io' }],
      [{ email: 'A@x.io' }, { email: 'c@x.io' }],
      [{ email: 'c@x.io' }],
      false,
    );
    expect(plan).toEqual([[{ to: [{ email: 'a@x.io' }], cc: [{ email: 'c@x.io' }] }]]);
  });

  it('never puts more than 1000 recipients in a request, cc and bcc counted', () => {
    const plan = planPersonalizations(addresses(2), [], addresses(999, 'b.io'), false);
    const counts = plan.map((r) =>
      r.reduce((n, p) => n + p.to.length + (p.cc?.length ?? 0) + (p.bcc?.length ?? 0), 0),
    );
    expect(counts).toEqual([1000, 1]);
    expect(() => planPersonalizations(addresses(1), [], addresses(1000, 'b.io'), false)).toThrow(
      /fewer than 1000/,
    );
  });

  it('individual: every recipient, cc and bcc too, gets one copy addressed to them alone', () => {
    const plan = planPersonalizations(
      addresses(2),
      [{ email: 'c@x.io' }],
      [{ email: 'b@x.io' }],
      true,
    );
    expect(plan).toEqual([
      [
        { to: [{ email: 'u0@x.io' }] },
        { to: [{ email: 'u1@x.io' }] },
        { to: [{ email: 'c@x.io' }] },
        { to: [{ email: 'b@x.io' }] },
      ],
    ]);
    expect(planPersonalizations(addresses(1500), addresses(600, 'c.io'), [], true)).toHaveLength(3);
  });

  it('builds template and sandbox requests', () => {
    const [request] = buildMailRequests(
      { ...mail, templateId: 'd-0123456789abcdef0123456789abcdef', sandbox: true },
      { subject: 's', text: 't', html: 'h' },
      { digest: DIGEST },
    );
    expect(request).toMatchObject({
      templateId: 'd-0123456789abcdef0123456789abcdef',
      dynamicTemplateData: { digest: DIGEST },
      mailSettings: { sandboxMode: { enable: true } },
    });
    expect(request!.html).toBeUndefined();
  });
});

describe('retry policy', () => {
  it('retries only what cannot have been delivered', () => {
    expect(failureKind(429, undefined)).toBe('retry');
    expect(failureKind(503, undefined)).toBe('retry');
    expect(failureKind(undefined, 'ECONNREFUSED')).toBe('retry');
    expect(failureKind(undefined, 'ENOTFOUND')).toBe('retry');
    expect(failureKind(400, undefined)).toBe('permanent');
    expect(failureKind(undefined, undefined)).toBe('permanent');
    // Sent, and no answer: SendGrid may have accepted it.
    expect(failureKind(undefined, 'ECONNABORTED')).toBe('unknown');
    expect(failureKind(undefined, 'ETIMEDOUT')).toBe('unknown');
    expect(failureKind(undefined, 'ECONNRESET')).toBe('unknown');
    // Never reached SendGrid: a certificate or protocol error.
    expect(failureKind(undefined, 'DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('permanent');
    expect(failureKind(undefined, 'EPROTO')).toBe('permanent');
    // A redirect, which axios reports with the answer it got.
    expect(failureKind(307, undefined)).toBe('permanent');
  });

  it('says "sent" only when every request was accepted', () => {
    expect(mailStatus(['accepted', 'accepted'], false)).toBe('sent');
    expect(mailStatus(['accepted'], true)).toBe('sandboxed');
    expect(mailStatus(['accepted', 'failed'], false)).toBe('partial');
    expect(mailStatus(['unknown', 'failed'], false)).toBe('partial');
    expect(mailStatus(['accepted', 'unknown'], false)).toBe('unknown');
    expect(mailStatus(['failed', 'failed'], false)).toBe('failed');
  });

  it('honours Retry-After and X-RateLimit-Reset, capped', () => {
    const now = 1_000_000_000_000;
    expect(retryDelayMs(1, {}, now)).toBe(1000);
    expect(retryDelayMs(3, {}, now)).toBe(4000);
    expect(retryDelayMs(1, { 'retry-after': '2' }, now)).toBe(2000);
    expect(retryDelayMs(1, { 'x-ratelimit-reset': String(now / 1000 + 3) }, now)).toBe(3000);
    expect(retryDelayMs(1, { 'retry-after': '3600' }, now)).toBe(MAX_WAIT_MS);
    expect(retryDelayMs(1, { 'x-ratelimit-reset': String(now / 1000 - 10) }, now)).toBe(0);
  });
});

describe('when to send', () => {
  it.each([
    ['always', 'success', undefined],
    ['always', 'failure', undefined],
    ['success', 'failure', 'notify-on is success and the run failed'],
    ['failure', 'success', 'notify-on is failure and the run succeeded'],
    ['never', 'success', 'notify-on is never'],
  ] as const)('notify-on %s, run %s', (notifyOn, outcome, expected) => {
    const r =
      outcome === 'success'
        ? report()
        : report({ failure: { stage: 'build', message: 'x', logTail: '' } });
    expect(skipReason({ ...mail, notifyOn }, r)).toBe(expected);
  });

  it('skips without a token', () => {
    expect(skipReason({ ...mail, token: '' }, report())).toMatch(/sendgrid-token is empty/);
  });
});

describe('the default HTML in the mail clients teams use (caniemail.com’s data, npm caniemail)', () => {
  const CLIENTS: Parameters<typeof caniemail>[0]['clients'] = [
    'gmail.*',
    'outlook.windows',
    'outlook.macos',
    'apple-mail.*',
    'yahoo.*',
  ];
  /**
   * The features some of those clients do not support, and why nothing is hidden or broken
   * there: another feature the client does support does the same, or the loss is cosmetic.
   */
  const ALLOWED: Record<string, { fallback?: string; why: string }> = {
    'word-break': { fallback: '<wbr> element', why: 'long values also carry <wbr> break points' },
    '<wbr> element': { fallback: 'word-break', why: 'the cells with long values set word-break' },
    '<body> element': { why: 'its background is repeated on the outer table; its content shows' },
    'border-radius': { why: 'square corners' },
  };
  const supportOf = (title: string, client: string): string => {
    const feature = rawData.data.find((f: { title: string }) => f.title === title)!;
    const [family, platform] = client.split('.') as [string, string];
    const stats = feature.stats as unknown as Record<
      string,
      Record<string, Record<string, string>>
    >;
    const versions = stats[family]![platform]!;
    return versions[Object.keys(versions).sort().at(-1)!]!;
  };
  const long = 'a-very-long-service-name-without-any-break-at-all';
  const variants: [string, Report][] = [
    ['success, deployed to hosts and services', report({ deploy: deployed() })],
    [
      'a failed push with docker’s last lines',
      report({
        push: undefined,
        failure: {
          stage: 'push',
          message: 'denied',
          logTail: `  indented line\nunauthorized: ${'x'.repeat(300)}`,
        },
      }),
    ],
  ];
  function deployed(): Report['deploy'] {
    return {
      status: 'partial',
      reason: '',
      targets: [
        {
          kind: 'watchtower',
          url: 'https://deploy.example.com',
          status: 'updated',
          message: 'scanned 1, updated 1',
          durationMs: 900,
          httpStatus: 200,
          counts: { scanned: 1, updated: 1, failed: 0, restarted: 0, skipped: 0 },
        },
        {
          kind: 'swarm',
          service: long,
          endpoint: 'unix:///var/run/docker.sock',
          status: 'rolled-back',
          message: 'task: non-zero exit (3)',
          durationMs: 14_000,
          previousImage: `ghcr.io/acme/api@${DIGEST}`,
          image: `ghcr.io/acme/api@${DIGEST}`,
          replicas: { onImage: 0, running: 2, desired: 2 },
        },
      ],
    };
  }

  it.each(variants)('%s: every unsupported feature has a fallback the client supports', (_, r) => {
    const { html } = composeMessage(mail, r);
    const result = caniemail({ clients: CLIENTS, html });
    const unexplained: string[] = [];
    for (const [client, issues] of result.issues.errors) {
      for (const { title } of issues) {
        const allowed = ALLOWED[title];
        if (!allowed) unexplained.push(`${title} in ${client}`);
        else if (allowed.fallback && /^n/.test(supportOf(allowed.fallback, client)))
          unexplained.push(
            `${title} in ${client}, whose fallback ${allowed.fallback} it lacks too`,
          );
      }
    }
    expect(unexplained).toEqual([]);
    // What the allowances rely on.
    expect(html).toMatch(/<body style="[^"]*background:#f6f8fa/);
    expect(html).toMatch(/<table role="presentation" width="100%"[^>]*background:#f6f8fa/);
    expect(html).not.toMatch(/white-space|overflow/);
  });

  it.each(variants)('%s: long values wrap in every client', (_, r) => {
    const { html } = composeMessage(mail, r);
    // Text as a client lays it out: tags gone, <wbr> and <br> break points, &nbsp; binding.
    const text = html
      .replace(/<(wbr|br)>/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, '\u00a0')
      .replace(/&[a-z]+;|&#\d+;/g, '_');
    const longest = Math.max(...text.split(/[ \n]+/).map((run) => run.length));
    expect(longest).toBeLessThanOrEqual(32);
    // Copying a digest copies the digest: break points are elements, not characters.
    if (r.push) expect(html.replace(/<wbr>/g, '')).toContain(DIGEST);
  });
});
