// A real workflow runner for the end-to-end suite: nektos/act (built by scripts/tools.sh) in host
// mode, which reads action.yml as GitHub's runner does (inputs and their defaults, `runs.using:
// node24` run with the `node` first on PATH, `post:` and `post-if`, outputs) and runs the
// committed dist/ in a workspace of its own. What it did is read from its JSON log.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { node24, ROOT } from './action.js';

export const ACT = path.join(ROOT, '.tmp', 'tools', 'bin', 'act');

/** Why act cannot run here, or undefined when it can. */
export function actMissing(): string | undefined {
  return fs.existsSync(ACT)
    ? undefined
    : `${ACT} is missing: run bash scripts/tools.sh (it builds act with Go; without Go it says how to get it)`;
}

/** One record of act's `--json` log. */
export interface ActRecord {
  msg: string;
  stepID?: string[];
  stage?: 'Pre' | 'Main' | 'Post';
  stepResult?: string;
  jobResult?: string;
  command?: string;
  content?: string;
  raw_output?: boolean;
}

export interface WorkflowRun {
  exitCode: number;
  records: ActRecord[];
  /** Everything act printed, for failure messages. */
  log: string;
  /** The result of step `id` in a stage (`success`, `failure`, `skipped`), from act's log. */
  stepResult(id: string, stage: 'Main' | 'Post'): string | undefined;
  /** The job summary a step wrote, as act collected it after the step. */
  summaries: string[];
  /** What the step after the action wrote into the SEEN folder: its name → content. */
  seen: Record<string, string>;
  /** The arguments of every call of the `node` on act's PATH, in order (each run by Node 24). */
  nodeRuns: string[];
}

export interface WorkflowOptions {
  /** The workflow file (copied into the repository's .github/workflows/). */
  workflow: string;
  /** Folders copied into the repository: name in the repository → source folder. */
  folders: Record<string, string>;
  /** Workflow `env` (act --env); SEEN is added. */
  env: Record<string, string>;
  /** The process environment act (and so the action) starts from, besides PATH and HOME. */
  processEnv?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A repository with action.yml, dist/ and the given folders, committed, with an origin on
 * github.com (act takes `github.repository` from it), and `act push` run on it.
 */
export async function runWorkflow(options: WorkflowOptions): Promise<WorkflowRun> {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-act-repo-'));
  const seenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-act-seen-'));
  // act takes the first `node` on PATH for a node24 action (it asks it for its executable, then
  // starts the action with that): this one notes each call and runs Node 24.
  const nodeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-act-node-'));
  const nodeLog = path.join(nodeDir, 'runs.log');
  fs.writeFileSync(
    path.join(nodeDir, 'node'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >>'${nodeLog}'\nexec '${node24()}' "$@"\n`,
    { mode: 0o755 },
  );
  try {
    fs.copyFileSync(path.join(ROOT, 'action.yml'), path.join(repo, 'action.yml'));
    fs.cpSync(path.join(ROOT, 'dist'), path.join(repo, 'dist'), { recursive: true });
    for (const [name, source] of Object.entries(options.folders))
      fs.cpSync(source, path.join(repo, name), { recursive: true });
    const workflows = path.join(repo, '.github', 'workflows');
    fs.mkdirSync(workflows, { recursive: true });
    fs.copyFileSync(options.workflow, path.join(workflows, path.basename(options.workflow)));
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        stdio: 'ignore',
        env: { ...process.env, HOME: repo },
      });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://github.com/acme/api.git');
    git('add', '-A');
    git('-c', 'user.name=CI', '-c', 'user.email=ci@example.com', 'commit', '-q', '-m', 'release');

    const env = { ...options.env, SEEN: seenDir };
    const args = [
      'push',
      '--workflows',
      path.join('.github', 'workflows', path.basename(options.workflow)),
      // Host mode: the job runs on this machine, as on a self-hosted runner.
      '--platform',
      'ubuntu-latest=-self-hosted',
      '--json',
      '--no-cache-server',
      ...Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
    ];
    const child = spawn(ACT, args, {
      cwd: repo,
      env: {
        PATH: `${nodeDir}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? os.homedir(),
        ...(process.env.DOCKER_CONFIG && { DOCKER_CONFIG: process.env.DOCKER_CONFIG }),
        ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }),
        // act asks api.nektosact.com for notices otherwise; there is no network here.
        ACT_DISABLE_VERSION_CHECK: '1',
        ...options.processEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (data: Buffer) => (log += data.toString()));
    child.stderr.on('data', (data: Buffer) => (log += data.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
    const exitCode = await new Promise<number>((resolve) =>
      child.on('close', (code) => resolve(code ?? 128)),
    );
    clearTimeout(timer);

    const records = log.split('\n').flatMap((line): ActRecord[] => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as ActRecord] : [];
      } catch {
        return [];
      }
    });
    const seen = Object.fromEntries(
      fs
        .readdirSync(seenDir)
        .map((name) => [name, fs.readFileSync(path.join(seenDir, name), 'utf8')]),
    );
    const nodeRuns = fs.existsSync(nodeLog)
      ? fs.readFileSync(nodeLog, 'utf8').split('\n').filter(Boolean)
      : [];
    return {
      exitCode,
      records,
      log,
      seen,
      nodeRuns,
      summaries: records.filter((r) => r.command === 'summary').map((r) => r.content ?? ''),
      stepResult: (id, stage) =>
        records.find((r) => r.stepID?.[0] === id && r.stage === stage && r.stepResult)?.stepResult,
    };
  } finally {
    for (const dir of [repo, seenDir, nodeDir]) fs.rmSync(dir, { recursive: true, force: true });
  }
}
