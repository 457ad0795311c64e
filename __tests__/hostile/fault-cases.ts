// The fault table: one line per (stage, fault) with the outcome users can rely on. The suite in
// faults.test.ts runs every line against the real daemon and registry and the contract servers;
// the README's "Failure behaviour" table is rendered from these lines (readme.test.ts checks).
import type { Fault } from '../helpers/http.js';
import { STEP_CASES, type StepCase } from './step-cases.js';

interface FaultExpectation {
  exit: 0 | 1;
  /** Start of the `::error::` annotation (exit 1) or of the `::warning::` (exit 0 with a warning). */
  message?: RegExp;
  digest: boolean;
  /** Whether the image id output is set (default: when the build half got past the build). */
  imageId?: boolean;
  mail: 'sent' | 'failed' | 'partial' | 'unknown';
  deploy: 'deployed' | 'unconfirmed' | 'failed' | 'skipped';
  /** How many message ids the `message-id` output holds (default: one when mail is sent). */
  messageIds?: number;
  sendgridRequests: number;
  watchtowerRequests: number;
  /** The email's subject, when one was accepted. */
  subject?: RegExp;
  /**
   * The bound on the time, about twice what the stage should take: from the first request to the
   * faulted stage's server (SendGrid, Watchtower) to the step's end, or, where SendGrid gets none,
   * from the deploy's, which comes just before the email. From the step's start for login, build
   * and push, and where Watchtower gets none. The build before email and deploy takes what the
   * machine's load makes it take, so it stays out of these bounds.
   */
  maxSeconds: number;
}

/** Where a builder behaves otherwise: what the user sees there, and what the suite checks. */
export interface FaultVariant {
  outcome: string;
  expect: Partial<FaultExpectation>;
}

export interface FaultCase {
  stage: 'login' | 'build' | 'push' | 'email' | 'deploy';
  fault: string;
  /** What the user sees (on the classic builder where builders differ), in the README's words. */
  outcome: string;
  /** On both buildx builders. */
  onBuildx?: FaultVariant;
  /** On a BuildKit of its own that is not inside dockerd (buildx's remote driver); wins over onBuildx. */
  onRemoteBuildKit?: FaultVariant;
  inputs?: Record<string, string>;
  sendgrid?: { queue?: Fault[]; always?: Fault };
  watchtower?: { queue?: Fault[] };
  /** Special arrangements the test makes on the real parts. */
  arrange?:
    'no-registry' | 'registry-dies-before-push' | 'no-dockerd' | 'no-watchtower' | 'no-sendgrid';
  expect: FaultExpectation;
}

const serverError = (status: number, message: string): Fault => ({
  kind: 'status',
  status,
  body: { errors: [{ message, field: null, help: null }] },
});

export const FAULT_CASES: FaultCase[] = [
  {
    stage: 'login',
    fault: 'registry refuses the login',
    outcome:
      'step fails (`login failed: …unauthorized`); nothing built or pushed; failure email sent; deploy skipped',
    inputs: { password: 'Wrong-Planted-Password-0e4d' },
    expect: {
      exit: 1,
      message: /^login failed: docker login failed/,
      digest: false,
      mail: 'sent',
      deploy: 'skipped',
      sendgridRequests: 1,
      watchtowerRequests: 0,
      subject: /^❌ login failed/,
      maxSeconds: 20,
    },
  },
  {
    stage: 'build',
    fault: 'dockerd not running',
    outcome:
      'step fails (`build failed: …Cannot connect to the Docker daemon`); failure email sent; deploy skipped',
    arrange: 'no-dockerd',
    onBuildx: {
      outcome:
        'step fails (`build failed: docker buildx build failed …failed to connect to the docker API`); failure email sent; deploy skipped',
      expect: {
        message:
          /^build failed: docker buildx build failed[\s\S]*failed to connect to the docker API at unix:\/\/.*; check if the path is correct and if the daemon is running/,
      },
    },
    onRemoteBuildKit: {
      outcome:
        'builds, pushes, deploys and emails: a remote BuildKit does not need dockerd (a container builder runs inside it, and fails as above)',
      expect: {
        exit: 0,
        message: undefined,
        digest: true,
        deploy: 'deployed',
        watchtowerRequests: 1,
        subject: /^✅ pushed and deployed/,
      },
    },
    expect: {
      exit: 1,
      message: /^build failed: docker build failed[\s\S]*Cannot connect to the Docker daemon/,
      digest: false,
      mail: 'sent',
      deploy: 'skipped',
      sendgridRequests: 1,
      watchtowerRequests: 0,
      subject: /^❌ build failed/,
      maxSeconds: 20,
    },
  },
  {
    stage: 'push',
    fault: 'registry not listening',
    outcome:
      'tried 3 times (waits 2 s, 4 s), then the step fails (`push failed: … (3 tries)` …connection refused); image id kept, no digest; failure email sent; deploy skipped',
    arrange: 'no-registry',
    onBuildx: {
      outcome:
        'tried 3 times, then the step fails (`push failed: docker buildx build failed … (3 tries)` …connection refused); no image id or digest (buildx builds and pushes in one command); failure email sent; deploy skipped',
      expect: {
        message:
          /^push failed: docker buildx build failed with exit code \d+ \(3 tries\)[\s\S]*connection refused/,
        imageId: false,
      },
    },
    expect: {
      exit: 1,
      message:
        /^push failed: docker push failed with exit code \d+ \(3 tries\)[\s\S]*connection refused/,
      digest: false,
      mail: 'sent',
      deploy: 'skipped',
      sendgridRequests: 1,
      watchtowerRequests: 0,
      subject: /^❌ push failed/,
      maxSeconds: 60,
    },
  },
  {
    stage: 'push',
    fault: 'registry goes away between build and push',
    outcome:
      'tried 3 times, then the step fails (`push failed: … (3 tries)`); image id kept, no digest; failure email sent; deploy skipped',
    arrange: 'registry-dies-before-push',
    onBuildx: {
      outcome:
        'tried 3 times, then the step fails (`push failed: docker buildx build failed … (3 tries)`); no image id or digest; failure email sent; deploy skipped',
      expect: {
        message: /^push failed: docker buildx build failed with exit code \d+ \(3 tries\)/,
        imageId: false,
      },
    },
    expect: {
      exit: 1,
      message: /^push failed: docker push failed with exit code \d+ \(3 tries\)/,
      digest: false,
      mail: 'sent',
      deploy: 'skipped',
      sendgridRequests: 1,
      watchtowerRequests: 0,
      subject: /^❌ push failed/,
      maxSeconds: 60,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 400 (bad request)',
    outcome:
      'no retry; step fails after outputs and summary (`email failed: SendGrid answered HTTP 400: <message> (field: <field>)`); digest and deploy kept',
    sendgrid: {
      always: {
        kind: 'status',
        status: 400,
        body: { errors: [{ message: 'Invalid from email address', field: 'from', help: null }] },
      },
    },
    expect: {
      exit: 1,
      message:
        /^email failed: SendGrid answered HTTP 400: Invalid from email address \(field: from\)/,
      digest: true,
      mail: 'failed',
      deploy: 'deployed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 401 (wrong API key)',
    outcome:
      'no retry; step fails (`email failed: SendGrid answered HTTP 401: …`); digest and deploy kept',
    inputs: { 'sendgrid-token': 'SG.wrong-planted-token-77aa' },
    expect: {
      exit: 1,
      message:
        /^email failed: SendGrid answered HTTP 401: The provided authorization grant is invalid/,
      digest: true,
      mail: 'failed',
      deploy: 'deployed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 403 (key lacks Mail Send)',
    outcome:
      'no retry; step fails (`email failed: SendGrid answered HTTP 403: …`); digest and deploy kept',
    sendgrid: { always: serverError(403, 'access forbidden') },
    expect: {
      exit: 1,
      message: /^email failed: SendGrid answered HTTP 403: access forbidden/,
      digest: true,
      mail: 'failed',
      deploy: 'deployed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 413 (payload too large)',
    outcome:
      'no retry; step fails (`email failed: SendGrid answered HTTP 413`); digest and deploy kept',
    sendgrid: { always: serverError(413, 'Payload Too Large') },
    expect: {
      exit: 1,
      message: /^email failed: SendGrid answered HTTP 413/,
      digest: true,
      mail: 'failed',
      deploy: 'deployed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 429, then accepts',
    outcome:
      'waits for `X-RateLimit-Reset`/`Retry-After` (at most 15 s), retries, email sent once; step succeeds',
    sendgrid: {
      queue: [
        {
          kind: 'status',
          status: 429,
          headers: { 'Retry-After': '1' },
          body: { errors: [{ message: 'too many requests', field: null }] },
        },
      ],
    },
    expect: {
      exit: 0,
      digest: true,
      mail: 'sent',
      deploy: 'deployed',
      sendgridRequests: 2,
      watchtowerRequests: 1,
      subject: /^✅ pushed and deployed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 500, then accepts',
    outcome: 'retries after 1 s backoff; email sent once; step succeeds',
    sendgrid: { queue: [serverError(500, 'internal error')] },
    expect: {
      exit: 0,
      digest: true,
      mail: 'sent',
      deploy: 'deployed',
      sendgridRequests: 2,
      watchtowerRequests: 1,
      subject: /^✅ pushed and deployed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 500 forever',
    outcome:
      '4 tries (backoff 1, 2, 4 s), then the step fails (`email failed: SendGrid answered HTTP 500`); digest and deploy kept',
    sendgrid: { always: serverError(500, 'internal error') },
    expect: {
      exit: 1,
      message: /^email failed: SendGrid answered HTTP 500/,
      digest: true,
      mail: 'failed',
      deploy: 'deployed',
      sendgridRequests: 4,
      watchtowerRequests: 1,
      maxSeconds: 15,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid 500 forever, `fail-on-notify-error: false`',
    outcome: '4 tries, then a warning; step succeeds',
    inputs: { 'fail-on-notify-error': 'false' },
    sendgrid: { always: serverError(500, 'internal error') },
    expect: {
      exit: 0,
      message: /^email failed: SendGrid answered HTTP 500/,
      digest: true,
      mail: 'failed',
      deploy: 'deployed',
      sendgridRequests: 4,
      watchtowerRequests: 1,
      maxSeconds: 15,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid never answers',
    outcome:
      'gives up after `sendgrid-timeout` and does not send again (SendGrid may have accepted it: a retry could mail everyone twice); `mail-status: unknown`, a warning (`email unconfirmed: …`); step succeeds',
    inputs: { 'sendgrid-timeout': '1' },
    sendgrid: { always: { kind: 'hang' } },
    expect: {
      exit: 0,
      message:
        /^email unconfirmed: could not reach SendGrid: timeout of 1000ms exceeded; SendGrid may have accepted it/,
      digest: true,
      mail: 'unknown',
      messageIds: 0,
      deploy: 'deployed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid closes the connection after the request',
    outcome:
      'not sent again; `mail-status: unknown`, a warning (`email unconfirmed: …socket hang up`); step succeeds',
    sendgrid: { always: { kind: 'close' } },
    expect: {
      exit: 0,
      message: /^email unconfirmed: could not reach SendGrid: socket hang up/,
      digest: true,
      mail: 'unknown',
      messageIds: 0,
      deploy: 'deployed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      maxSeconds: 5,
    },
  },
  {
    stage: 'email',
    fault: 'SendGrid refuses connections',
    outcome:
      'nothing was sent, so 4 tries (backoff 1, 2, 4 s), then the step fails (`email failed: could not reach SendGrid: …ECONNREFUSED… (4 tries)`)',
    arrange: 'no-sendgrid',
    expect: {
      exit: 1,
      message: /^email failed: could not reach SendGrid: .*ECONNREFUSED.* \(4 tries\)/,
      digest: true,
      mail: 'failed',
      messageIds: 0,
      deploy: 'deployed',
      sendgridRequests: 0,
      watchtowerRequests: 1,
      maxSeconds: 15,
    },
  },
  {
    stage: 'email',
    fault: '1,001 recipients, SendGrid rejects the second request',
    outcome:
      'the first request’s 1,000 stay sent (its message id kept); `mail-status: partial`; step fails (`email partial: request 2 of 2 (1 recipients): …`)',
    inputs: {
      mail: Array.from({ length: 1001 }, (_, i) => `user${i}@example.com`).join('\n'),
    },
    sendgrid: { queue: [{ kind: 'pass' }, serverError(400, 'Bad Request')] },
    expect: {
      exit: 1,
      message:
        /^email partial: request 2 of 2 \(1 recipients\): SendGrid answered HTTP 400: Bad Request$/,
      digest: true,
      mail: 'partial',
      messageIds: 1,
      deploy: 'deployed',
      sendgridRequests: 2,
      watchtowerRequests: 1,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower 401 (wrong token)',
    outcome:
      'step fails after email and summary (`deploy failed on <url> (token rejected (HTTP 401)…)`); digest kept; email says deploy failed',
    inputs: { 'watchtower-token': 'wrong-planted-watchtower-token-1c9d' },
    expect: {
      exit: 1,
      message: /^deploy failed on .*token rejected \(HTTP 401\)/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^❌ deploy failed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower 404 (API not enabled)',
    outcome:
      'step fails (`deploy failed on <url> (no update endpoint here (HTTP 404)…)`); digest kept',
    watchtower: { queue: [{ kind: 'status', status: 404 }] },
    expect: {
      exit: 1,
      message: /^deploy failed on .*no update endpoint here \(HTTP 404\)/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^❌ deploy failed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower 429 (its rate limiter), then 200',
    outcome:
      'waits `Retry-After` (5 s without one), retries (at most 3 tries within `watchtower-timeout`); deployed',
    watchtower: { queue: [{ kind: 'status', status: 429, headers: { 'Retry-After': '1' } }] },
    expect: {
      exit: 0,
      digest: true,
      mail: 'sent',
      deploy: 'deployed',
      sendgridRequests: 1,
      watchtowerRequests: 2,
      subject: /^✅ pushed and deployed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower 500',
    outcome:
      'no retry (an update may have started); step fails (`deploy failed on <url> (Watchtower answered HTTP 500)`)',
    watchtower: { queue: [{ kind: 'status', status: 500 }] },
    expect: {
      exit: 1,
      message: /^deploy failed on .*Watchtower answered HTTP 500/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^❌ deploy failed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower takes the request and never answers',
    outcome:
      'stops waiting 5 s after `watchtower-timeout` (the limit the host was given); the host is `unconfirmed` (it has the request and may still update), a warning (`deploy unconfirmed on <url> (took the request, but gave no answer within N s …)`); step succeeds',
    inputs: { 'watchtower-timeout': '2' },
    watchtower: { queue: [{ kind: 'hang' }] },
    expect: {
      exit: 0,
      message:
        /^deploy unconfirmed on .*took the request, but gave no answer within 7 s \(watchtower-timeout, and 5 s for the answer\): it may still be updating/,
      digest: true,
      mail: 'sent',
      deploy: 'unconfirmed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^✅ pushed, deploy unconfirmed/,
      maxSeconds: 10,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower refuses connections',
    outcome: 'step fails (`deploy failed on <url> (connection refused…)`); digest kept',
    arrange: 'no-watchtower',
    expect: {
      exit: 1,
      message: /^deploy failed on .*connection refused/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 0,
      subject: /^❌ deploy failed/,
      maxSeconds: 20,
    },
  },
  {
    stage: 'deploy',
    fault: 'a web server answers 200 with an HTML page (nginx welcome, a login form)',
    outcome:
      'step fails (`deploy failed on <url> (not a Watchtower API: HTTP 200 with "<!DOCTYPE html>…")`); never "deployed"',
    watchtower: {
      queue: [
        {
          kind: 'raw',
          status: 200,
          contentType: 'text/html',
          body: '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head></html>\n',
        },
      ],
    },
    expect: {
      exit: 1,
      message: /^deploy failed on .*not a Watchtower API: HTTP 200 with "<!DOCTYPE html>/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^❌ deploy failed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower scanned no container (`scanned: 0`)',
    outcome:
      '`no-match`: step fails (`deploy failed on <url> (scanned 0 …: no container here runs these images …)`)',
    watchtower: {
      queue: [
        {
          kind: 'status',
          status: 200,
          body: {
            summary: { scanned: 0, updated: 0, failed: 0, restarted: 0, skipped: 0 },
            api_version: 'v1',
          },
        },
      ],
    },
    expect: {
      exit: 1,
      message: /^deploy failed on .*scanned 0, updated 0, failed 0: no container here runs/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^❌ deploy failed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower reports failed containers',
    outcome:
      'step fails (`deploy failed on <url> (scanned 1, updated 0, failed 1: the host could not update every container)`)',
    watchtower: {
      queue: [
        {
          kind: 'status',
          status: 200,
          body: { summary: { scanned: 1, updated: 0, failed: 1 }, api_version: 'v1' },
        },
      ],
    },
    expect: {
      exit: 1,
      message: /^deploy failed on .*failed 1: the host could not update every container/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^❌ deploy failed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'containrrr/watchtower 1.7.1 (200, empty body)',
    outcome:
      '`unconfirmed`: the host took the request but does not say what it did; a warning; step succeeds; subject “✅ pushed, deploy unconfirmed”',
    watchtower: { queue: [{ kind: 'status', status: 200 }] },
    expect: {
      exit: 0,
      message: /^deploy unconfirmed on /,
      digest: true,
      mail: 'sent',
      deploy: 'unconfirmed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^✅ pushed, deploy unconfirmed/,
      maxSeconds: 5,
    },
  },
  {
    stage: 'deploy',
    fault: 'Watchtower 401, `fail-on-deploy-error: false`',
    outcome: 'a warning; step succeeds; `deploy-status: failed`',
    inputs: {
      'watchtower-token': 'wrong-planted-watchtower-token-1c9d',
      'fail-on-deploy-error': 'false',
    },
    expect: {
      exit: 0,
      message: /^deploy failed on .*token rejected/,
      digest: true,
      mail: 'sent',
      deploy: 'failed',
      sendgridRequests: 1,
      watchtowerRequests: 1,
      subject: /^❌ deploy failed/,
      maxSeconds: 5,
    },
  },
];

/** The README's "Failure behaviour" table. */
/** The expectation on a builder: the case's own, with the builder's variant applied. */
export function expectationOn(
  c: FaultCase,
  builder: { buildx: boolean; remoteBuildKit: boolean },
): FaultExpectation {
  const variant = (builder.remoteBuildKit && c.onRemoteBuildKit) || (builder.buildx && c.onBuildx);
  return { ...c.expect, ...(variant ? variant.expect : {}) };
}

export function renderFailureTable(): string {
  const rows = FAULT_CASES.map((c) => {
    const differs = [
      c.onBuildx ? `<br>**buildx:** ${c.onBuildx.outcome}` : '',
      c.onRemoteBuildKit ? `<br>**remote BuildKit:** ${c.onRemoteBuildKit.outcome}` : '',
    ].join('');
    return `| ${c.stage} | ${c.fault} | ${c.expect.exit === 0 ? 'success' : 'failure'} | ${c.outcome}${differs} |`;
  });
  for (const c of Object.values(STEP_CASES) as StepCase[])
    rows.push(
      `| ${c.stage} | ${c.fault} | ${c.exit === 0 ? 'success' : 'failure'} | ${c.outcome} |`,
    );
  return ['| Stage | Fault | Step | What happens |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
