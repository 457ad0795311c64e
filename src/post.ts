// The post step (`post:` in action.yml, `post-if: always()`): removes what the main step left
// when it could not clean up itself, because it was killed. Normally there is nothing left.
import * as core from '@actions/core';
import { removeWorkspace, WORKSPACE_STATE } from './workspace.js';

export function post(): void {
  const dir = core.getState(WORKSPACE_STATE);
  if (dir && removeWorkspace(dir))
    core.info(`Removed ${dir}: the main step ended before it could (its Docker config and files)`);
}
