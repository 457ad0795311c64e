// The step's own pieces: its Docker config, its workspace, the bounded docker output tail, and
// the bounds on what it writes (error text, job summary).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStepConfig, loginKey, stepConfigJson } from '../../src/docker/config.js';
import { cutLine, LineTail, lastLines } from '../../src/docker/output.js';
import { redactor } from '../../src/redaction.js';
import { newReport } from '../../src/report.js';
import { fitSummary, renderSummary } from '../../src/summary.js';
import { cutText, groupDigits, SUMMARY_LIMIT } from '../../src/text.js';
import { createWorkspace, removeWorkspace } from '../../src/workspace.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-unit-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the step's Docker config", () => {
  it('stores the login under the key docker login uses', () => {
    expect(loginKey('ghcr.io')).toBe('ghcr.io');
    expect(loginKey('https://registry.example.com:5000/v2/')).toBe('registry.example.com:5000');
    expect(loginKey('')).toBe('https://index.docker.io/v1/');
    expect(loginKey('docker.io')).toBe('https://index.docker.io/v1/');
    // docker CLI 28 keys these Docker Hub spellings as written.
    expect(loginKey('index.docker.io')).toBe('index.docker.io');
    expect(loginKey('registry-1.docker.io')).toBe('registry-1.docker.io');
  });

  it('keeps the login out of a credential store or a helper for the registry, and nothing else', () => {
    const user = { auths: { 'other.io': {} }, credsStore: 'desktop', currentContext: 'ci' };
    expect(stepConfigJson(user, 'ghcr.io')).toEqual({ ...user, credHelpers: { 'ghcr.io': '' } });
    const helpers = { credHelpers: { 'ghcr.io': 'gcloud', 'gcr.io': 'gcloud' } };
    expect(stepConfigJson(helpers, 'ghcr.io').credHelpers).toEqual({
      'ghcr.io': '',
      'gcr.io': 'gcloud',
    });
    // Without a store, or without a login, the config is the user's as it is.
    expect(stepConfigJson({ auths: {} }, 'ghcr.io')).toEqual({ auths: {} });
    expect(stepConfigJson(user, undefined)).toBe(user);
  });

  it("starts from the user's folder: config copied, everything else linked, nothing written back", () => {
    const user = tempDir();
    fs.mkdirSync(path.join(user, 'buildx', 'instances'), { recursive: true });
    fs.writeFileSync(path.join(user, 'buildx', 'instances', 'ci'), '{}');
    const text = '{"credsStore":"pass","auths":{"other.io":{}}}';
    fs.writeFileSync(path.join(user, 'config.json'), text);
    const step = path.join(tempDir(), 'docker-config');

    createStepConfig(step, user, 'ghcr.io');
    expect(JSON.parse(fs.readFileSync(path.join(step, 'config.json'), 'utf8'))).toEqual({
      credsStore: 'pass',
      auths: { 'other.io': {} },
      credHelpers: { 'ghcr.io': '' },
    });
    expect(fs.readlinkSync(path.join(step, 'buildx'))).toBe(path.join(user, 'buildx'));
    expect(fs.statSync(step).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(step, 'config.json')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(user, 'config.json'), 'utf8')).toBe(text);
  });

  it('copies a config it cannot read as it is, for docker to report', () => {
    const user = tempDir();
    fs.writeFileSync(path.join(user, 'config.json'), '{not json');
    const step = path.join(tempDir(), 'docker-config');
    createStepConfig(step, user, 'ghcr.io');
    expect(fs.readFileSync(path.join(step, 'config.json'), 'utf8')).toBe('{not json');
  });
});

describe("the step's workspace", () => {
  it('is removed with the links in it, never what they point to', () => {
    const user = tempDir();
    fs.mkdirSync(path.join(user, 'buildx'));
    fs.writeFileSync(path.join(user, 'buildx', 'current'), 'keep');
    const runnerTemp = tempDir();
    const workspace = createWorkspace({ RUNNER_TEMP: runnerTemp, DOCKER_CONFIG: user });
    expect(path.dirname(workspace.dir)).toBe(runnerTemp);
    expect(removeWorkspace(workspace.dir)).toBe(true);
    expect(fs.readdirSync(runnerTemp)).toEqual([]);
    expect(fs.readFileSync(path.join(user, 'buildx', 'current'), 'utf8')).toBe('keep');
    expect(removeWorkspace(workspace.dir)).toBe(false);
  });

  it('is made under an absolute RUNNER_TEMP, created if missing; a DOCKER_CONFIG file is ignored', () => {
    const base = tempDir();
    const cwd = process.cwd();
    process.chdir(base);
    try {
      const dockerConfigFile = path.join(base, 'not-a-folder');
      fs.writeFileSync(dockerConfigFile, '');
      const workspace = createWorkspace({
        RUNNER_TEMP: 'rel/temp',
        DOCKER_CONFIG: dockerConfigFile,
      });
      expect(path.isAbsolute(workspace.dir)).toBe(true);
      expect(path.dirname(workspace.dir)).toBe(path.join(fs.realpathSync(base), 'rel', 'temp'));
      expect(fs.readdirSync(workspace.dockerConfig)).toEqual(['config.json']);
      expect(removeWorkspace(workspace.dir)).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('removes only a folder it made, whatever the state says', () => {
    const other = tempDir();
    expect(removeWorkspace(other)).toBe(false);
    expect(removeWorkspace('relative/build-push-notify-x')).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
  });
});

describe("the tail of docker's output", () => {
  it('keeps the last lines, each cut, however the text arrives', () => {
    const lines: string[] = [];
    const tail = new LineTail(3, 10, (line) => lines.push(line));
    const text = `one\ntwo\n${'x'.repeat(25)}\nfour\nfive`;
    for (const piece of text.match(/.{1,4}/gs)!) tail.push(piece);
    tail.end();
    expect(tail.text()).toBe(`${'x'.repeat(10)} … [15 more characters cut]\nfour\nfive`);
    expect(lines).toHaveLength(5);
  });

  it('holds no more than a cut line of a line without end', () => {
    const tail = new LineTail(20, 600);
    for (let i = 0; i < 1000; i++) tail.push('y'.repeat(10_000));
    tail.end();
    expect(tail.text()).toBe(cutLine('y'.repeat(10_000_000)));
    expect(tail.text().length).toBeLessThan(700);
  });

  it('redacts the kept lines before they are cut, and the start of a secret the cut leaves', () => {
    const secret = 'Planted-Registry-Password-3b9e';
    const redact = redactor([secret, 'Pla']);
    for (const before of [560, 590, 595, 640, 660]) {
      const lines: string[] = [];
      const tail = new LineTail(5, 600, (line) => lines.push(line), redact);
      tail.push(`${'x'.repeat(before)}${secret}${'y'.repeat(5000)}\nok ${secret}\n`);
      tail.end();
      for (let length = 3; length <= secret.length; length++)
        expect(tail.text(), `${before}, ${length}`).not.toContain(`${secret.slice(0, length)} …`);
      expect(tail.text()).not.toContain(secret.slice(0, 6));
      expect(tail.text()).toContain('ok ***');
      // What is read for digests as it comes is the line itself (the log is the runner's to mask).
      expect(lines[1]).toBe(`ok ${secret}`);
    }
    // A text not cut keeps what merely looks like the start of one.
    expect(redact('ends with Plan')).toBe('ends with ***n');
    expect(redactor([secret])('ends with Plan')).toBe('ends with Plan');
    expect(redactor([secret])('ends with Plan', true)).toBe('ends with ***');
    // The longest start of any secret goes, whichever secret is longer.
    expect(
      redactor(['ABC-a-much-longer-secret-value-here', 'secret-ABC-shorter'])('… secret-ABC', true),
    ).toBe('… ***');
  });

  it('drops colour codes and blank lines, which take room and say nothing', () => {
    expect(lastLines('\u001b[31merror\u001b[0m\n\n\nlast\n\n', 2)).toBe('error\nlast');
  });
});

describe('bounds on what the step writes', () => {
  it('groups the digits of a count as en-US writes them', () => {
    for (const count of [0, 7, 999, 1000, 65_536, 1_234_567, 10_000_000])
      expect(groupDigits(count)).toBe(count.toLocaleString('en-US'));
  });

  it('cuts a text at a line end under the limit and says so', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i} é`).join('\n');
    const cut = cutText(text, 1000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1000);
    expect(cut).toMatch(/^line 0 é\n/);
    expect(cut).toMatch(/\nline \d+ é\n… \[cut: [\d,]+ bytes in all; the log has everything\]$/);
    expect(cutText('short', 1000)).toBe('short');
  });

  it('keeps the job summary under GitHub’s 1 MiB whatever the inputs, blocks closed', () => {
    const tags = Array.from({ length: 100_000 }, (_, i) => `registry.example.com/app:tag-${i}`);
    const report = newReport(tags, true, undefined);
    const summary = renderSummary(report);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(summary).toContain('… [cut: ');

    const fenced = `## x\n\n<details>\n\n\`\`\`text\n${'z\n'.repeat(SUMMARY_LIMIT)}`;
    const fitted = fitSummary(fenced);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(fitted.match(/^```/gm)).toHaveLength(2);
    expect(fitted.trimEnd().endsWith('</details>')).toBe(true);
  });
});
