// The failure table's lines about the step itself rather than one stage's service: a cancelled
// or killed run, logins made before the step, output too large to keep, a proxy; and what Swarm
// does with a rollout. Each line is asserted by the test named after it (cancel-and-output,
// login, deploy and swarm .test.ts);
// the README's "Failure behaviour" table renders them after the fault lines.

export interface StepCase {
  stage: 'login' | 'build' | 'deploy';
  fault: string;
  exit: 0 | 1;
  /** What the user sees, in the README's words; also the name of the test that checks it. */
  outcome: string;
}

export const STEP_CASES = {
  sigint: {
    stage: 'build',
    fault: 'run cancelled (the runner sends SIGINT)',
    exit: 1,
    outcome:
      'docker stopped; outputs and summary written (`❌ cancelled during build`), step fails (`cancelled (SIGINT) during build`) within seconds; the step’s login and files removed; no deploy, no email',
  },
  sigterm: {
    stage: 'build',
    fault: 'run cancelled with SIGTERM',
    exit: 1,
    outcome: 'as for SIGINT (`cancelled (SIGTERM) during build`)',
  },
  secondSignal: {
    stage: 'login',
    fault: 'SIGINT, then SIGTERM at once, while `docker login` hangs',
    exit: 1,
    outcome:
      'docker killed at the second signal (nothing outlives the step); `cancelled (SIGINT) during login`',
  },
  cancelDeploy: {
    stage: 'deploy',
    fault: 'run cancelled while a Watchtower host is updating',
    exit: 1,
    outcome:
      'not waited for; `deploy-status: unconfirmed` (the request reached the host), `cancelled (SIGINT) during deploy`; an email under way is `unknown` the same way',
  },
  summaryUnwritable: {
    stage: 'build',
    fault: 'the job summary cannot be written',
    exit: 1,
    outcome: 'the step fails with the error; its Docker config (with the login) is still removed',
  },
  killed: {
    stage: 'build',
    fault: 'step killed outright (SIGKILL to the process tree)',
    exit: 1,
    outcome:
      'nothing reported by the killed step; the post step removes its Docker config (the only place the login was) and files',
  },
  longLines: {
    stage: 'build',
    fault: 'a failing RUN prints 3 lines of 450,000 characters',
    exit: 1,
    outcome:
      'the log has every line; the error, summary and email keep the last 20 lines, each cut to 600 characters (`… [N more characters cut]`); the summary stays far under GitHub’s 1 MiB',
  },
  hugeOutput: {
    stage: 'build',
    fault: 'a RUN prints 600 MB',
    exit: 0,
    outcome:
      'streamed to the log; the action’s memory stays flat (only a bounded tail is kept); builds and pushes. BuildKit clips a step’s log at 2 MiB itself',
  },
  earlierLogin: {
    stage: 'login',
    fault: 'a login to the same registry was made before the step',
    exit: 0,
    outcome:
      'kept: the step logs in inside its own Docker config and never logs out; the user’s config file is byte-for-byte unchanged and the earlier login still pulls',
  },
  credsStore: {
    stage: 'login',
    fault: 'the user’s config has a `credsStore` (or a `credHelpers` entry for the registry)',
    exit: 0,
    outcome:
      'the step’s login stays in its own config file, never in the store; other registries still use the store',
  },
  proxy: {
    stage: 'deploy',
    fault: 'the runner reaches Watchtower only through `HTTPS_PROXY`/`HTTP_PROXY`',
    exit: 0,
    outcome:
      'Watchtower calls go through the proxy (CONNECT), except to hosts in `NO_PROXY`, as the SendGrid calls do',
  },
  swarmRolledBack: {
    stage: 'deploy',
    fault: 'the new image fails on a Swarm service whose update policy is `rollback`',
    exit: 1,
    outcome:
      'Swarm rolls back; the service is `rolled-back`, with the failed task’s error, and the old digest keeps running; `deploy-status: failed`, step fails (`deploy failed on service …`); the push is kept; the failure email says `rolled-back`',
  },
  swarmPaused: {
    stage: 'deploy',
    fault: 'the new image fails on a Swarm service with Swarm’s default policy (`pause`)',
    exit: 1,
    outcome:
      'the service is `paused` with Swarm’s message and the failed task’s error; step fails; the service waits for a person (`docker service update --rollback`, or a fixed image): a re-run of the commit reports it `paused` again without restarting the rollout',
  },
  swarmMissing: {
    stage: 'deploy',
    fault: 'a listed Swarm service does not exist',
    exit: 0,
    outcome:
      'that service fails (`Error: no such service: …`), the others are updated; `deploy-status: partial`; with `fail-on-deploy-error: false` a warning',
  },
  swarmNoTask: {
    stage: 'deploy',
    fault:
      'a global Swarm service that no node is eligible for (its placement constraints match none)',
    exit: 1,
    outcome:
      'the service is `no-match`: set to the pushed digest, but no task runs it (`no node is eligible for this global service`); `deploy-status: failed`, step fails; the push is kept',
  },
  swarmUnreachable: {
    stage: 'deploy',
    fault: '`swarm-host` cannot be reached (here: a socket that does not exist)',
    exit: 1,
    outcome:
      'each service fails at once with docker’s reason (`Cannot connect to the Docker daemon at …`)',
  },
  swarmTimeout: {
    stage: 'deploy',
    fault: 'a Swarm rollout takes longer than `swarm-timeout`',
    exit: 1,
    outcome:
      'docker stops waiting at the timeout; the service fails (`not converged within N s (swarm-timeout): Swarm is still updating … and goes on without the step`)',
  },
  swarmCancel: {
    stage: 'deploy',
    fault: 'run cancelled during a Swarm rollout',
    exit: 1,
    outcome:
      'docker stopped at once; the service is `unconfirmed` (Swarm goes on with the rollout), `deploy-status: unconfirmed`, `cancelled (SIGINT) during deploy`',
  },
} satisfies Record<string, StepCase>;
