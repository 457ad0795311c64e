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
  await run();
}
