// The run's facts, read from the runner's environment and event file as @actions/github's
// `context` reads them (its lib/context.ts), without loading that package.
import { describe, expect, it } from 'vitest';
import { githubFacts, runContext } from '../../src/github.js';

const ENV = {
  GITHUB_EVENT_PATH: '/runner/event.json',
  GITHUB_SHA: '3f2c1ab9d4e5f60718293a4b5c6d7e8f90a1b2c3',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'release',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_ACTION: 'ship',
  GITHUB_RUN_ID: '4242',
  GITHUB_SERVER_URL: 'https://github.example.com/',
};
const EVENT = JSON.stringify({
  head_commit: { message: 'Fix the thing\n\nbody', timestamp: '2026-11-01T10:00:00+01:00' },
  repository: { full_name: 'acme/api' },
});

describe('the run context', () => {
  it('reads the variables and the event payload, and makes the links', () => {
    const context = runContext(ENV, (file) => (file === '/runner/event.json' ? EVENT : undefined));
    expect(context).toMatchObject({ sha: ENV.GITHUB_SHA, runId: 4242, eventName: 'push' });
    expect(githubFacts(context, 'acme/api')).toEqual({
      repository: 'acme/api',
      repositoryUrl: 'https://github.example.com/acme/api',
      sha: ENV.GITHUB_SHA,
      ref: 'refs/heads/main',
      actor: 'octocat',
      workflow: 'release',
      eventName: 'push',
      action: 'ship',
      issue: '',
      commitMessage: 'Fix the thing\n\nbody',
      commitTime: new Date('2026-11-01T09:00:00Z'),
      commitUrl: `https://github.example.com/acme/api/commit/${ENV.GITHUB_SHA}`,
      runUrl: 'https://github.example.com/acme/api/actions/runs/4242',
    });
  });

  it('the issue or pull request number, as @actions/github’s context.issue takes it', () => {
    const issue = (payload: object) =>
      githubFacts(
        runContext(ENV, () => JSON.stringify(payload)),
        'acme/api',
      ).issue;
    expect(issue({ issue: { number: 7 }, pull_request: { number: 8 } })).toBe('7');
    expect(issue({ pull_request: { number: 8 }, number: 9 })).toBe('8');
    expect(issue({ number: 9 })).toBe('9');
    expect(issue({ head_commit: { message: 'x' } })).toBe('');
  });

  it('a local run (no variables, no event file) gives empty facts and no links', () => {
    const facts = githubFacts(
      runContext({}, () => undefined),
      '',
    );
    expect(facts).toMatchObject({ sha: '', commitMessage: '', commitUrl: '', runUrl: '' });
    expect(facts.commitTime).toBeUndefined();
  });

  it('an event file that is not JSON costs the commit facts, not the run', () => {
    const context = runContext(ENV, () => '{not json');
    expect(context.payload).toEqual({});
    expect(context.sha).toBe(ENV.GITHUB_SHA);
  });
});
