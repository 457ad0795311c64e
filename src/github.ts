// The facts of the run that triggered the action: commit, ref, actor and the links to them.
import * as fs from 'node:fs';

export interface GitHubFacts {
  repository: string;
  repositoryUrl: string;
  sha: string;
  ref: string;
  actor: string;
  workflow: string;
  eventName: string;
  /** GITHUB_ACTION: the step's id, or a name the runner gives a step without one. */
  action: string;
  /** The number of the issue or pull request the event is about; '' for other events. */
  issue: string;
  commitMessage: string;
  /** When the commit was made; the image's `created` label, so rebuilding a commit gives the same image. */
  commitTime: Date | undefined;
  commitUrl: string;
  runUrl: string;
}

/** The subset of @actions/github's `context` these facts come from (runContext reads it). */
export interface RunContext {
  serverUrl: string;
  sha: string;
  ref: string;
  actor: string;
  workflow: string;
  eventName: string;
  action: string;
  runId: number;
  payload: {
    head_commit?: { message?: string; timestamp?: string } | null;
    repository?: { full_name?: string };
    issue?: { number?: number };
    pull_request?: { number?: number };
    number?: number;
  };
}

export function githubFacts(context: RunContext, repository: string): GitHubFacts {
  const serverUrl = context.serverUrl.replace(/\/+$/, '');
  const repositoryUrl = repository ? `${serverUrl}/${repository}` : '';
  return {
    repository,
    repositoryUrl,
    sha: context.sha,
    ref: context.ref,
    actor: context.actor,
    workflow: context.workflow,
    eventName: context.eventName,
    action: context.action,
    // As @actions/github's context.issue takes it.
    issue: String(
      (context.payload.issue ?? context.payload.pull_request ?? context.payload).number ?? '',
    ),
    commitMessage: context.payload.head_commit?.message ?? '',
    commitTime: parseTime(context.payload.head_commit?.timestamp),
    commitUrl: repositoryUrl && context.sha ? `${repositoryUrl}/commit/${context.sha}` : '',
    runUrl: repositoryUrl && context.runId ? `${repositoryUrl}/actions/runs/${context.runId}` : '',
  };
}

/**
 * The run's context from the runner's environment and event file, read as @actions/github's
 * `context` reads them (lib/context.ts): importing that package loads Octokit, start-up time on
 * every run for a client no part of this action uses.
 */
export function runContext(
  env: NodeJS.ProcessEnv,
  readFile: (file: string) => string | undefined,
): RunContext {
  let payload: RunContext['payload'] = {};
  const event = env.GITHUB_EVENT_PATH ? readFile(env.GITHUB_EVENT_PATH) : undefined;
  try {
    payload = event ? (JSON.parse(event) as RunContext['payload']) : {};
  } catch {
    // An unreadable event file costs the commit message and time, not the run.
  }
  const runId = Number.parseInt(env.GITHUB_RUN_ID ?? '', 10);
  return {
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    action: env.GITHUB_ACTION ?? '',
    runId: Number.isNaN(runId) ? 0 : runId,
    payload: payload ?? {},
  };
}

export function loadGitHubFacts(env: NodeJS.ProcessEnv = process.env): GitHubFacts {
  const context = runContext(env, (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  });
  // Locally (no GITHUB_REPOSITORY, no event) the summary and email omit the links.
  const repository = env.GITHUB_REPOSITORY ?? context.payload.repository?.full_name ?? '';
  return githubFacts(context, repository);
}

function parseTime(text: string | undefined): Date | undefined {
  const time = text ? new Date(text) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time : undefined;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
