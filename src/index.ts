// Entry point of the bundle GitHub runs (dist/index.js), twice: as the main step, then as the
// post step, told apart by a state the main step saves (as docker/login-action does).
import * as core from '@actions/core';

const IS_POST = 'isPost';

if (core.getState(IS_POST)) {
  const { post } = await import('./post.js');
  post();
} else {
  core.saveState(IS_POST, 'true');
  const { run } = await import('./main.js');
  try {
    await run();
  } catch (error) {
    // A bug, not a user error: still end the step with a message instead of a crash.
    core.setFailed(`build-push-notify: unexpected error: ${(error as Error).message}`);
  }
}
