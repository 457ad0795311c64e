// Entry point of the bundle GitHub runs (dist/index.js).
import * as core from '@actions/core';
import { run } from './main.js';

try {
  await run();
} catch (error) {
  // A bug, not a user error: still end the step with a message instead of a crash.
  core.setFailed(`build-push-notify: unexpected error: ${(error as Error).message}`);
}
