// What the classic and the buildx paths share: the error that ends the build half at a stage,
// and pushes tried again after transient registry errors.
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stage } from '../report.js';
import { DockerError } from './cli.js';
import { lastLines } from './output.js';
import { isTransientPushFailure, PUSH_TRIES, PUSH_WAITS_MS } from './retry.js';
import { warning } from '../log.js';

export class StageError extends Error {
  constructor(
    readonly stage: Stage,
    message: string,
    readonly logTail = '',
  ) {
    super(message);
  }
}

/** Runs `step` as `stage`, turning a docker failure into a StageError for that stage. */
export async function inStage<T>(stage: Stage, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StageError) throw error;
    if (error instanceof DockerError) throw new StageError(stage, error.message, error.logTail);
    throw new StageError(stage, (error as Error).message);
  }
}

/**
 * Runs a push, and again while it fails with a transient registry error, PUSH_TRIES times in all.
 * `push` is told whether this is a retry, and ends the tries by throwing a StageError of its own
 * (a failure that is not the push's). A final docker failure becomes a push StageError that says
 * how many tries were made.
 */
export async function withPushRetries<T>(
  what: string,
  push: (retry: boolean) => Promise<T>,
): Promise<{ result: T; tries: number }> {
  for (let tries = 1; ; tries++) {
    try {
      return { result: await push(tries > 1), tries };
    } catch (error) {
      if (!(error instanceof DockerError)) throw error; // a StageError: not the push's to retry
      if (tries >= PUSH_TRIES || !isTransientPushFailure(error.logTail)) {
        const after = tries > 1 ? ` (${tries} tries)` : '';
        throw new StageError('push', `${error.message}${after}`, error.logTail);
      }
      const waitMs = PUSH_WAITS_MS[tries - 1]!;
      warning(
        `${what}: the registry failed transiently (${lastLines(error.logTail, 1)}); try ${tries + 1} of ${PUSH_TRIES} in ${waitMs / 1000} s`,
      );
      await sleep(waitMs);
    }
  }
}

export function elapsedSince(start: number): number {
  return performance.now() - start;
}

export function readIfPresent(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}
