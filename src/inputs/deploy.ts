// The deployment inputs: Watchtower hosts and Swarm services, and what a failure of either does.
import { parseImageReference, repositoryOf } from '../docker/reference.js';
import type { Checker } from './checker.js';
import { readSwarm, type SwarmInputs } from './swarm.js';

export type { SwarmInputs, SwarmService, SwarmTls } from './swarm.js';

export interface WatchtowerInputs {
  urls: string[];
  /** Empty when the workflow has no secret: the hosts are skipped. */
  token: string;
  /** Repositories to update; empty means "the pushed repositories". */
  images: string[];
  /** How long each host may take, sent to it too (`timeout=`), so it stops when the step stops waiting. */
  timeoutSeconds: number;
  /** Wait for each host's answer; false asks it to update in the background (`async=true`). */
  wait: boolean;
}

export interface DeployInputs {
  watchtower: WatchtowerInputs | undefined;
  swarm: SwarmInputs | undefined;
  failOnError: boolean;
}

function readWatchtower(c: Checker): WatchtowerInputs | undefined {
  const urls = c.list('watchtower-url');
  if (urls.length === 0) {
    for (const name of ['watchtower-token', 'watchtower-images'] as const) {
      if (c.value(name)) c.fail('watchtower-url', `is required when "${name}" is set`);
    }
    return undefined;
  }
  const images = c.list('watchtower-images');
  for (const image of images) {
    const ref = c.attempt('watchtower-images', () => parseImageReference(image));
    if (ref?.tag) {
      c.fail(
        'watchtower-images',
        `"${image}" has a tag; Watchtower matches repositories, give "${repositoryOf(ref)}"`,
      );
    }
  }
  return {
    urls: urls.map((url) => c.httpUrl('watchtower-url', url)),
    token: c.value('watchtower-token'),
    images,
    timeoutSeconds: c.seconds('watchtower-timeout', 300),
    wait: c.boolean('watchtower-wait', true),
  };
}

/** Undefined when neither Watchtower hosts nor Swarm services are named. */
export function readDeploy(c: Checker, tags: string[]): DeployInputs | undefined {
  const watchtower = readWatchtower(c);
  const swarm = readSwarm(c, tags);
  const failOnError = c.boolean('fail-on-deploy-error', true);
  return watchtower || swarm ? { watchtower, swarm, failOnError } : undefined;
}
