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
  type UpdateRequest,
  updateUrl,
} from './watchtower.js';
import { warning } from '../log.js';
import { redactForStep } from '../redaction.js';

const MAX_ATTEMPTS = 3;

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

function networkMessage(error: unknown, waitedSeconds: number): string {
  if (error instanceof TimeoutError)
    return `the request did not reach it within ${waitedSeconds} s`;
  if (error instanceof DroppedError)
    return `the host closed the connection without an answer (${error.cause.code ?? error.message}): containrrr/watchtower 1.7.1 does so when it cannot reach its docker; Watchtower's log says why`;
  const { code, message } = error as Error & { code?: string };
  if (code === 'ECONNREFUSED') {
    return "connection refused: is Watchtower's HTTP API on, on this port?";
  }
  return `could not reach the host: ${code ?? message}`;
}

async function updateHost(
  baseUrl: string,
  request: UpdateRequest,
  token: string,
): Promise<HostResult> {
  const start = performance.now();
  // The host stops at timeoutSeconds and answers: one deadline a little later, retries included.
  const waitedSeconds = request.timeoutSeconds + ANSWER_GRACE_SECONDS;
  const deadline = start + waitedSeconds * 1000;
  const result = (partial: Omit<HostResult, 'kind' | 'url' | 'durationMs'>): HostResult => ({
    kind: 'watchtower',
    url: baseUrl,
    durationMs: performance.now() - start,
    ...partial,
  });
  for (let attempt = 1; ; attempt++) {
    let response: HttpAnswer;
    const sentAt = performance.now();
    try {
      response = await post(
        updateUrl(baseUrl, request),
        { Authorization: `Bearer ${token}` },
        Math.max(1, deadline - performance.now()),
      );
    } catch (error) {
      // The host has the request and may still be updating: the step only stopped waiting.
      if (error instanceof TimeoutError && error.requestSent)
        return result({
          status: 'unconfirmed',
          httpStatus: undefined,
          counts: undefined,
          message: `took the request, but gave no answer within ${waitedSeconds} s (watchtower-timeout, and ${ANSWER_GRACE_SECONDS} s for the answer): it may still be updating`,
        });
      return result({
        status: 'failed',
        httpStatus: undefined,
        counts: undefined,
        message: networkMessage(error, waitedSeconds),
      });
    }
    if (response.status === 429) {
      const wait = retryAfterMs(response.retryAfter);
      if (attempt < MAX_ATTEMPTS && performance.now() + wait < deadline) {
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
    const timing = {
      timeoutSeconds: request.timeoutSeconds,
      elapsedMs: performance.now() - sentAt,
    };
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
  const request = { images, timeoutSeconds: watchtower.timeoutSeconds, wait: watchtower.wait };
  const hosts = await Promise.all(
    watchtower.urls.map((url) => updateHost(url, request, watchtower.token)),
  );
  for (const host of hosts) core.info(`${host.url}: ${host.status} ${host.message}`);
  return hosts;
}
