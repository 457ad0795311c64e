// A single-node Docker Swarm on the test daemon, and services on it: for the Swarm suite, the
// benchmark and `npm run local -- --swarm`.
import { ENGINE } from './builders.js';
import { dockerCli } from './context.js';

/** The label a swarm made here carries, so a run that was killed before leaving it is known. */
const OURS = 'build-push-notify.test-swarm';

export interface LocalSwarm {
  /** Leaves the swarm if this made the daemon one; removes the services it created. */
  leave(): void;
  /**
   * A replicated service running `image`, created once it runs: updates checked for 1 s, tasks
   * stopped after 1 s (`sleep` as PID 1 ignores SIGTERM, which would cost 10 s a task). `flags`
   * come after these and win; `command` replaces the image's.
   */
  createService(
    name: string,
    image: string,
    /**
     * `replicas: 'global'` makes a global service (one task per eligible node); `wait: false`
     * returns before it converges (one with no eligible node never does).
     */
    options?: {
      replicas?: number | 'global';
      flags?: string[];
      command?: string[];
      wait?: boolean;
    },
  ): void;
}

/**
 * Makes the daemon a single-node swarm on 127.0.0.1 (the engine's own port) unless it is in one.
 * A swarm this made before, which a killed run did not leave, is taken over and left at the end.
 */
export function localSwarm(): LocalSwarm {
  const state = dockerCli(['info', '--format', '{{.Swarm.LocalNodeState}}']).trim();
  if (state === 'inactive') {
    const address = `127.0.0.1:${ENGINE.swarmPort}`;
    dockerCli(['swarm', 'init', '--advertise-addr', address, '--listen-addr', address]);
    const node = dockerCli(['info', '--format', '{{.Swarm.NodeID}}']).trim();
    dockerCli(['node', 'update', '--label-add', `${OURS}=true`, node]);
  } else if (dockerCli(['info', '--format', '{{.Swarm.ControlAvailable}}']).trim() !== 'true')
    throw new Error(`the daemon is in a swarm (${state}) but not a manager`);
  // Left at the end if this made it, now or in a run that was killed first; another is kept.
  const ours =
    dockerCli([
      'node',
      'inspect',
      '--format',
      `{{index .Spec.Labels "${OURS}"}}`,
      'self',
    ]).trim() === 'true';
  const created: string[] = [];
  return {
    createService(name, image, { replicas = 1, flags = [], command = [], wait = true } = {}) {
      created.push(name);
      dockerCli([
        'service',
        'create',
        '--quiet',
        `--detach=${!wait}`,
        '--name',
        name,
        ...(replicas === 'global' ? ['--mode', 'global'] : ['--replicas', String(replicas)]),
        '--update-monitor',
        '1s',
        '--stop-grace-period',
        '1s',
        ...flags,
        image,
        ...command,
      ]);
    },
    leave() {
      for (const name of created) {
        try {
          dockerCli(['service', 'rm', name]);
        } catch {
          // never created
        }
      }
      if (ours) dockerCli(['swarm', 'leave', '--force']);
    },
  };
}
