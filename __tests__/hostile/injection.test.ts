// Hostile conditions, part 3 (injection): text from tags, build-args, labels, subjects, commit
// messages and the Dockerfile's own output reaches its destination as inert text: no shell
// interprets it, the runner executes no workflow command hidden in it, HTML shows as text.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
import {
  BUSYBOX_BASE,
  dockerCli,
  makeContext,
  pulledImageId,
  uniqueName,
} from '../helpers/context.js';
import { type Registry, startRegistry } from '../helpers/registry.js';
import { leakedSecrets, PLANTED } from '../helpers/secrets.js';
import { type SendGridServer, startSendGrid } from '../helpers/sendgrid-server.js';

const HOSTILE = `it's "quoted"; $(touch /tmp/bpn-pwned) \`id\` & <script>alert(1)</script> ::add-mask::x ::set-output name=digest::forged`;

let registry: Registry;
let sendgrid: SendGridServer;

beforeAll(async () => {
  registry = await startRegistry();
  sendgrid = await startSendGrid(PLANTED.sendgridToken);
});
afterAll(async () => {
  await registry?.stop();
  await sendgrid?.stop();
});

/** Lines the runner would treat as workflow commands: at line start, outside a stop-commands block. */
function liveCommands(stdout: string): string[] {
  const live: string[] = [];
  let stoppedUntil: string | undefined;
  for (const line of stdout.split('\n')) {
    if (stoppedUntil) {
      if (line === `::${stoppedUntil}::`) stoppedUntil = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) stoppedUntil = stop[1];
    else if (line.startsWith('::')) live.push(line);
  }
  return live;
}

describe('injection', () => {
  it('hostile labels, build-args, subject, commit message and RUN output stay inert', async () => {
    const context = makeContext(
      `${BUSYBOX_BASE}ARG EVIL\nRUN echo "::set-output name=digest::sha256:forged" && echo "::add-mask::${PLANTED.sendgridToken.slice(0, 5)}" && echo "$EVIL" > /evil\n`,
    );
    const repo = uniqueName('inject');
    const run = await runAction({
      inputs: {
        context,
        tags: `${registry.host}/${repo}:1`,
        labels: `org.example.note=${HOSTILE}`,
        'build-args': `EVIL=${HOSTILE}`,
        subject: `{{ commit-message }} ${HOSTILE}`,
        'sendgrid-token': PLANTED.sendgridToken,
        'sendgrid-api-url': sendgrid.url,
        mail: 'ops@example.com',
        from: 'ci@example.com',
      },
      event: {
        head_commit: {
          message: `feat: x\n::set-output name=image::forged\n::add-mask::everything\n<img src=x onerror=alert(1)>`,
        },
      },
    });
    fs.rmSync(context, { recursive: true, force: true });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(fs.existsSync('/tmp/bpn-pwned')).toBe(false);

    // The runner would execute only the action's own commands.
    const live = liveCommands(run.stdout);
    expect(live.filter((line) => !/^::(add-mask|debug|warning)::/.test(line))).toEqual([]);
    expect(live.filter((line) => line.startsWith('::add-mask::'))).toEqual([
      `::add-mask::${PLANTED.sendgridToken}`,
    ]);
    expect(run.stdout).toContain('::set-output name=digest::sha256:forged'); // it was printed, inside a stop-commands block
    expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.image).toMatch(new RegExp(`^${registry.host}/${repo}@sha256:`));

    // Literal text in the image (pulled: the standalone builder's images are only in the registry).
    expect(pulledImageId(run.outputs.image!)).toBe(run.outputs.imageid);
    const labels = JSON.parse(
      dockerCli(['image', 'inspect', '--format', '{{json .Config.Labels}}', run.outputs.image!]),
    );
    expect(labels['org.example.note']).toBe(HOSTILE);
    expect(dockerCli(['run', '--rm', run.outputs.image!, '/bin/cat', '/evil']).trim()).toBe(
      HOSTILE,
    );

    // The email: one-line subject, HTML escaped.
    const mail = sendgrid.received.at(-1)!.body;
    expect(mail.subject).toBe(`feat: x ${HOSTILE}`);
    expect(mail.content![1]!.value).not.toContain('<script>');
    expect(mail.content![1]!.value).not.toContain('<img src=x');
    expect(run.summary).not.toContain('<img');
    expect(leakedSecrets(run)).toEqual([]);
  });
});
