// The step's own folder under RUNNER_TEMP (mode 0700): its Docker config, the secret files the
// build reads, and the files docker writes back. The main step removes it when it ends; its
// path is saved as state, so the post step removes it when the main step could not (killed).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createStepConfig, userConfigDir } from './docker/config.js';

/** The name of the state (`core.saveState`) that holds the folder's path for the post step. */
export const WORKSPACE_STATE = 'workspace';
const PREFIX = 'build-push-notify-';

export interface Workspace {
  dir: string;
  /** The step's DOCKER_CONFIG. */
  dockerConfig: string;
}

export function createWorkspace(env: NodeJS.ProcessEnv, loginRegistry?: string): Workspace {
  // Absolute, so that the post step (and removeWorkspace's check) finds it from any folder.
  const root = path.resolve(env.RUNNER_TEMP || os.tmpdir());
  fs.mkdirSync(root, { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, PREFIX));
  const dockerConfig = path.join(dir, 'docker-config');
  try {
    createStepConfig(dockerConfig, userConfigDir(env), loginRegistry);
  } catch (error) {
    removeWorkspace(dir);
    throw error;
  }
  return { dir, dockerConfig };
}

/**
 * Removes a workspace (links inside it are removed, never what they point to). Only a folder
 * this action made is removed, whatever the state says. Returns whether there was one.
 */
export function removeWorkspace(dir: string): boolean {
  if (!path.isAbsolute(dir) || !path.basename(dir).startsWith(PREFIX)) return false;
  if (!fs.existsSync(dir)) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
