// Asks every Watchtower host to update, all at once, and collects what each did. Never throws:
// each host's failure is part of its result.
import * as core from '@actions/core';
import type { WatchtowerInputs } from '../inputs/index.js';
import { parseImageReference, repositoryOf } from '../docker/reference.js';
import { DroppedError, type HttpAnswer, post, TimeoutError } from './http.js';
import type { HostResult } from '../report.js';
import {
  ANSWER_GRACE_SECONDS,
  imageSpellings,
  imagesWithRegistryPort,
  interpretResponse,
  retryAfterMs,
  updateUrl,
} from './watchtower.js';
import { warning } from '../log.js';
import { redactForStep } from '../redaction.js';

const MAX_ATTEMPTS = 3;
/** A retry after a 429 only while the host would still get this long for the update. */
const MIN_LIMIT_MS = 1000;

/**
 * The images to update: as given, else each pushed repository; each in every spelling Watchtower
 * may need to match it (imageSpellings), once.
 */
export function imagesToUpdate(watchtower: WatchtowerInputs, tags: string[]): string[] {
  const repositories =
    watchtower.images.length > 0
      ? watchtower.images
      : tags.map((tag) => repositoryOf(parseImageReference(tag)));
  return [...new Set(repositories.flatMap(imageSpellings))];
}

function networkMessage(error: unknown, budgetSeconds: number): string {
  if (error instanceof TimeoutError)
    return `the request did not reach it within ${budgetSeconds} s`;
  const { code, message } = error as Error & { code?: string };
  if (code === 'ECONNREFUSED') {
    return "connection refused: is Watchtower's HTTP API on, on this port?";
  }
  return `could not reach the host: ${code ?? message}`;
}

async function updateHost(
  baseUrl: string,
  images: string[],
  watchtower: WatchtowerInputs,
): Promise<HostResult> {
  const start = performance.now();
  // One deadline for the host, retries included: watchtower-timeout, and a few seconds for the
  // answer the host gives at its limit.
  const budgetSeconds = watchtower.timeoutSeconds + ANSWER_GRACE_SECONDS;
  const deadline = start + budgetSeconds * 1000;
  const limitLeft = (): number => deadline - performance.now() - ANSWER_GRACE_SECONDS * 1000;
  const result = (partial: Omit<HostResult, 'kind' | 'url' | 'durationMs'>): HostResult => ({
    kind: 'watchtower',
    url: baseUrl,
    durationMs: performance.now() - start,
    ...partial,
  });
  const unanswered = (message: string): HostResult =>
    result({ status: 'unconfirmed', httpStatus: undefined, counts: undefined, message });
  for (let attempt = 1; ; attempt++) {
    const sentAt = performance.now();
    // What is left of watchtower-timeout: a retry gives the host less, so it stops in time.
    const request = { images, limitMs: watchtower.wait ? limitLeft() : undefined };
    let response: HttpAnswer;
    try {
      response = await post(
        updateUrl(baseUrl, request),
        { Authorization: `Bearer ${watchtower.token}` },
        Math.max(1, deadline - sentAt),
      );
    } catch (error) {
      // The host has the request and may still be updating: the step only stopped waiting.
      if (error instanceof TimeoutError && error.requestSent)
        return unanswered(
          `took the request, but gave no answer within ${budgetSeconds} s (watchtower-timeout, and ${ANSWER_GRACE_SECONDS} s for the answer): it may still be updating`,
        );
      if (error instanceof DroppedError)
        return unanswered(
          `took the request, then closed the connection without an answer (${error.cause.code ?? error.message}): it may or may not have updated; containrrr/watchtower 1.7.1 does this when it cannot reach its docker, and a proxy may when a request runs long`,
        );
      return result({
        status: 'failed',
        httpStatus: undefined,
        counts: undefined,
        message: networkMessage(error, budgetSeconds),
      });
    }
    if (response.status === 429) {
      const wait = retryAfterMs(response.retryAfter);
      if (attempt < MAX_ATTEMPTS && limitLeft() - wait >= MIN_LIMIT_MS) {
        core.info(`${baseUrl}: rate-limited (HTTP 429); retrying in ${wait / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      return result({
        status: 'failed',
        httpStatus: 429,
        counts: undefined,
        message: `still rate-limited after ${attempt} attempt(s) (HTTP 429)`,
      });
    }
    const timing = { limitMs: request.limitMs, elapsedMs: performance.now() - sentAt };
    return result({
      httpStatus: response.status,
      // Redacted before its start is quoted: a secret cut in half would no longer be found.
      ...interpretResponse(response.status, redactForStep(response.body), timing),
    });
  }
}

/** Every host at once; the token is checked by the caller. */
export async function updateHosts(
  watchtower: WatchtowerInputs,
  tags: string[],
): Promise<HostResult[]> {
  const images = imagesToUpdate(watchtower, tags);
  const unmatched = imagesWithRegistryPort(images);
  if (unmatched.length > 0) {
    warning(
      `containrrr/watchtower 1.7.1 cuts image names at the first ":", so it never matches ${unmatched.join(', ')}; the maintained fork (nickfedor/watchtower) does`,
    );
  }
  core.info(`Asking ${watchtower.urls.length} Watchtower host(s) to update ${images.join(', ')}`);
  const hosts = await Promise.all(
    watchtower.urls.map((url) => updateHost(url, images, watchtower)),
  );
  for (const host of hosts) core.info(`${host.url}: ${host.status} ${host.message}`);
  return hosts;
}
