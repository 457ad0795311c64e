import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckWarning, checkProblem, checkWarnings } from '../../src/docker/check.js';
import { defaultSubject } from '../../src/notify/message.js';
import type { PlaceholderValues } from '../../src/notify/placeholders.js';
import { stepOutputs } from '../../src/outputs.js';
import { failureHeadline, type Report } from '../../src/report.js';
import { buildSecretValues, redactor, redactReport, secretTexts } from '../../src/redaction.js';
import { renderSummary } from '../../src/summary.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function report(overrides: Partial<Report> = {}): Report {
  return {
    startedAt: new Date(),
    tags: ['127.0.0.1:5000/app:1', '127.0.0.1:5000/app:latest'],
    pushRequested: true,
    github: {
      repository: 'acme/api',
      repositoryUrl: 'https://github.com/acme/api',
      sha: '3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3',
      ref: 'refs/heads/main',
      actor: 'octocat',
      workflow: 'ci',
      eventName: 'push',
      action: 'ship',
      issue: '',
      commitMessage: '',
      commitTime: undefined,
      commitUrl: 'https://github.com/acme/api/commit/3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3',
      runUrl: 'https://github.com/acme/api/actions/runs/7',
    },
    build: {
      builder: 'docker',
      builderName: '',
      imageId: `sha256:${'cd'.repeat(32)}`,
      durationMs: 2500,
    },
    push: {
      digest: DIGEST,
      digests: { '127.0.0.1:5000/app:1': DIGEST },
      kind: 'manifest',
      platforms: [],
      durationMs: 400,
      tries: 1,
    },
    ...overrides,
  };
}

describe('outputs', () => {
  it('pins the first tag by digest and lists what was built', () => {
    const outputs = stepOutputs(report());
    expect(outputs).toMatchObject({
      digest: DIGEST,
      image: `127.0.0.1:5000/app@${DIGEST}`,
      tags: '127.0.0.1:5000/app:1\n127.0.0.1:5000/app:latest',
      'deploy-status': 'skipped',
      'mail-status': 'skipped',
    });
    expect(JSON.parse(outputs.metadata!)).toMatchObject({
      builder: 'docker',
      durations: { buildMs: 2500, pushMs: 400 },
    });
  });

  it('keeps the build outputs when a later stage failed', () => {
    const outputs = stepOutputs(
      report({
        deploy: {
          status: 'failed',
          reason: '',
          targets: [
            {
              kind: 'watchtower',
              url: 'http://h',
              status: 'failed',
              httpStatus: 401,
              durationMs: 5,
              message: 'token rejected',
              counts: undefined,
            },
          ],
        },
        mail: {
          status: 'failed',
          recipients: ['a@x.io'],
          messageIds: [],
          requests: 1,
          message: 'SendGrid answered HTTP 500',
        },
      }),
    );
    expect(outputs.digest).toBe(DIGEST);
    expect(outputs['deploy-status']).toBe('failed');
    expect(JSON.parse(outputs['deploy-result']!)).toEqual([
      {
        kind: 'watchtower',
        url: 'http://h',
        status: 'failed',
        httpStatus: 401,
        durationMs: 5,
        message: 'token rejected',
      },
    ]);
    expect(outputs['mail-status']).toBe('failed');
  });

  it('has no digest when nothing was pushed', () => {
    expect(stepOutputs(report({ push: undefined, pushRequested: false })).digest).toBeUndefined();
  });
});

describe('summary', () => {
  it('is a markdown table with the facts and links, no JSON', () => {
    const summary = renderSummary(report());
    expect(summary).toMatch(/^## ✅ pushed <code>127\.0\.0\.1:5000\/app:1<\/code>/);
    expect(summary).toContain(`| Image | <code>127.0.0.1:5000/app@${DIGEST}</code> |`);
    expect(summary).toContain(
      '[3f2c1ab](https://github.com/acme/api/commit/3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3)',
    );
    expect(summary).toContain('| Build | 2.5 s |');
    expect(summary).not.toMatch(/[{[]"/);
  });

  it('labels an index digest and the platform its image id belongs to', () => {
    const config = `sha256:${'ef'.repeat(32)}`;
    const indexed = report({
      build: { builder: 'buildx', builderName: 'ci', imageId: config, durationMs: 900 },
      push: {
        digest: DIGEST,
        digests: { '127.0.0.1:5000/app:1': DIGEST },
        kind: 'index',
        platforms: [
          { platform: 'linux/amd64', manifest: `sha256:${'01'.repeat(32)}`, config },
          {
            platform: 'linux/arm64',
            manifest: `sha256:${'02'.repeat(32)}`,
            config: `sha256:${'03'.repeat(32)}`,
          },
        ],
        durationMs: undefined,
        tries: 2,
      },
    });
    const summary = renderSummary(indexed);
    expect(summary).toContain(
      `| Index digest | <code>${DIGEST}</code><br>image index of linux/amd64, linux/arm64 |`,
    );
    expect(summary).toContain(`| Image ID (linux/amd64) | <code>${config}</code> |`);
    expect(summary).toContain('| Builder | docker buildx build (builder <code>ci</code>) |');
    expect(JSON.parse(stepOutputs(indexed).metadata!)).toMatchObject({
      digest: DIGEST,
      digestKind: 'index',
      imageid: config,
      platforms: indexed.push!.platforms,
    });
    // A single manifest is labelled as before.
    expect(renderSummary(report())).toContain(`| Digest | <code>${DIGEST}</code> |`);
  });

  it('shows the failure, with docker output kept verbatim and the table intact', () => {
    const summary = renderSummary(
      report({
        push: undefined,
        failure: { stage: 'push', message: 'denied | <b>x</b>', logTail: 'line1\n```\nline2' },
      }),
    );
    expect(summary).toContain('## ❌ push failed');
    expect(summary).toContain('denied &#124; &lt;b&gt;x&lt;/b&gt;');
    expect(summary).toContain("line1\n'''\nline2");
  });

  it('an evaluation (call) is not "built": it says what it checked, and a check that found warnings fails as such', () => {
    const evaluated = (call: string, warnings?: CheckWarning[]): Report =>
      report({
        tags: [],
        pushRequested: false,
        push: undefined,
        build: { ...report().build!, imageId: '', evaluation: { call, warnings } },
      });
    const clean = evaluated('check', []);
    expect(renderSummary(clean)).toContain(
      '## ✅ checked <code>image</code>: no warnings (nothing built)',
    );
    expect(renderSummary(clean)).toContain('| Image | _nothing built (call: check)_ |');
    expect(defaultSubject(clean, {} as PlaceholderValues)).toBe('✅ checked image');
    // A check that exits 0 with warnings (none does here, but the count is what the headline says).
    const warned = evaluated('check', [{ rule: 'R', detail: 'd', where: 'Dockerfile:1', url: '' }]);
    expect(renderSummary(warned)).toContain(
      '## ✅ checked <code>image</code>: 1 warning (nothing built)',
    );
    expect(renderSummary(evaluated('outline'))).toContain(
      '## ✅ evaluated <code>image</code> (call: outline, nothing built)',
    );
    expect(JSON.parse(stepOutputs(clean).metadata!)).toMatchObject({ call: 'check', warnings: [] });

    const warnings = checkWarnings(
      fs.readFileSync(
        path.join(import.meta.dirname, '../fixtures/buildx-metadata-check-warnings.json'),
        'utf8',
      ),
    )!;
    const failed = {
      ...evaluated('check', warnings),
      failure: { stage: 'build' as const, message: checkProblem(warnings), logTail: '' },
    };
    expect(failureHeadline(failed)).toBe('check found 2 warnings');
    expect(renderSummary(failed)).toContain('## ❌ check found 2 warnings');
    expect(defaultSubject(failed, {} as PlaceholderValues)).toBe(
      '❌ check found 2 warnings: image',
    );
  });

  it('without the build part (build-summary: false): only what failed, the deployment and the email, or nothing', () => {
    expect(renderSummary(report(), { build: false })).toBe('');
    const failed = renderSummary(
      report({ push: undefined, failure: { stage: 'push', message: 'denied', logTail: '' } }),
      { build: false },
    );
    expect(failed).toMatch(/^### What failed\n\ndenied\n+$/);
    const deployed = renderSummary(
      report({ deploy: { status: 'deployed', reason: '', targets: [] } }),
      { build: false },
    );
    expect(deployed).toMatch(/^### Deployment\n\n\*\*deployed\*\*\n+$/);
    expect(deployed).not.toContain('| Image |');
  });

  it('has a row per deploy host and masks email addresses', () => {
    const summary = renderSummary(
      report({
        deploy: {
          status: 'partial',
          reason: '',
          targets: [
            {
              kind: 'watchtower',
              url: 'https://a:8080',
              status: 'updated',
              httpStatus: 200,
              durationMs: 1500,
              message: 'scanned 1, updated 1, failed 0',
              counts: undefined,
            },
            {
              kind: 'watchtower',
              url: 'https://b:8080',
              status: 'failed',
              httpStatus: undefined,
              durationMs: 30000,
              message: 'no answer within 30 s',
              counts: undefined,
            },
          ],
        },
        mail: {
          status: 'sent',
          recipients: ['alice@example.com'],
          messageIds: ['m1'],
          requests: 1,
          message: '',
        },
      }),
    );
    expect(summary).toContain(
      '| https://a:8080 | updated | 200 | 1.5 s | scanned 1, updated 1, failed 0 |',
    );
    expect(summary).toContain('| https://b:8080 | failed | – | 30.0 s | no answer within 30 s |');
    expect(summary).toContain('a***@example.com');
    expect(summary).not.toContain('alice@example.com');
  });
});

describe('redaction', () => {
  it('hides each secret value, and each line of a multi-line one', () => {
    expect(secretTexts(['key-line-one\nkey-line-two', 'ab', 'token'])).toEqual([
      'key-line-one\nkey-line-two',
      'key-line-one',
      'key-line-two',
      'token',
    ]);
    // PEM armor is in every certificate: hiding it would garble the log, not protect a key.
    const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBk\n-----END EC PRIVATE KEY-----';
    expect(secretTexts([pem])).toEqual([pem, 'MHcCAQEEIBk']);
    expect(
      buildSecretValues(
        [
          { id: 'a', value: 'literal' },
          { id: 'b', variable: 'VAR' },
          { id: 'c', file: '/f' },
          { id: 'd', variable: 'UNSET' },
        ],
        { VAR: 'from-variable' },
        (file) => (file === '/f' ? 'from-file' : undefined),
      ),
    ).toEqual(['literal', 'from-variable', 'from-file']);
  });

  it('removes secrets from the free text of a report', () => {
    const redact = redactor(['hunter2-secret', '']);
    const r = report({
      failure: { stage: 'login', message: 'bad hunter2-secret', logTail: 'x hunter2-secret y' },
    });
    redactReport(r, redact);
    expect(r.failure).toMatchObject({ message: 'bad ***', logTail: 'x *** y' });
  });

  it('redacts every text of the report, the run’s facts too, as written and as HTML escapes it', () => {
    const secret = `p&ss<wo>rd"'x`;
    const redact = redactor([secret]);
    expect(redact(`a ${secret} b`)).toBe('a *** b');
    expect(redact('a p&amp;ss&lt;wo&gt;rd&quot;&#39;x b')).toBe('a *** b');
    const r = report({});
    r.github = { ...r.github!, commitMessage: `fix: ${secret}`, actor: secret };
    const started = r.startedAt;
    redactReport(r, redact);
    expect(r.github).toMatchObject({ commitMessage: 'fix: ***', actor: '***' });
    expect(r.startedAt).toBe(started);
    // The summary escapes it in a table cell; the report was redacted before.
    expect(renderSummary(r)).not.toMatch(/p&(amp;)?ss/);
  });
});
