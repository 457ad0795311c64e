// The facts of the run that triggered the action: commit, ref, actor and the links to them.

export interface GitHubFacts {
  repository: string;
  repositoryUrl: string;
  sha: string;
  ref: string;
  actor: string;
  workflow: string;
  eventName: string;
  commitMessage: string;
  /** When the commit was made; the image's `created` label, so rebuilding a commit gives the same image. */
  commitTime: Date | undefined;
  commitUrl: string;
  runUrl: string;
}

/** The subset of @actions/github's `context` these facts come from. */
export interface RunContext {
  serverUrl: string;
  sha: string;
  ref: string;
  actor: string;
  workflow: string;
  eventName: string;
  runId: number;
  payload: {
    head_commit?: { message?: string; timestamp?: string } | null;
    repository?: { full_name?: string };
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
    commitMessage: context.payload.head_commit?.message ?? '',
    commitTime: parseTime(context.payload.head_commit?.timestamp),
    commitUrl: repositoryUrl && context.sha ? `${repositoryUrl}/commit/${context.sha}` : '',
    runUrl: repositoryUrl && context.runId ? `${repositoryUrl}/actions/runs/${context.runId}` : '',
  };
}

/** Loaded on demand: @actions/github brings Octokit, which a run that fails on its inputs never needs. */
export async function loadGitHubFacts(): Promise<GitHubFacts> {
  const { context } = await import('@actions/github');
  // context.repo throws when GITHUB_REPOSITORY is unset (local runs); the summary then omits links.
  const repository = process.env.GITHUB_REPOSITORY ?? context.payload.repository?.full_name ?? '';
  return githubFacts(context, repository);
}

function parseTime(text: string | undefined): Date | undefined {
  const time = text ? new Date(text) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time : undefined;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
