// The deployment inputs: Watchtower hosts, token, images and timeouts.
import { parseImageReference, repositoryOf } from '../docker/reference.js';
import type { Checker } from './checker.js';

export interface DeployInputs {
  urls: string[];
  /** Empty when the workflow has no secret: the deployment is skipped. */
  token: string;
  /** Repositories to update; empty means "the pushed repositories". */
  images: string[];
  timeoutSeconds: number;
  failOnError: boolean;
}

export function readDeploy(c: Checker): DeployInputs | undefined {
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
    failOnError: c.boolean('fail-on-deploy-error', true),
  };
}
