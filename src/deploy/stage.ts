// The deployment stage: Watchtower hosts and Swarm services, all at once, each target's outcome
// in one result shape. Never throws: each target's failure is part of its result.
import * as core from '@actions/core';
import type { DeployInputs } from '../inputs/index.js';
import {
  type DeployResult,
  type DeployStatus,
  isFailedTarget,
  isUnconfirmedTarget,
  type Report,
  type TargetResult,
} from '../report.js';
import { updateServices } from './swarm-update.js';
import { updateHosts } from './watchtower-update.js';
import { warning } from '../log.js';

/** `deployed` only when every target confirmed; one failed target makes it `partial`. */
export function deployStatus(targets: TargetResult[]): DeployStatus {
  const failed = targets.filter((target) => isFailedTarget(target.status)).length;
  if (failed === targets.length) return 'failed';
  if (failed > 0) return 'partial';
  return targets.some((target) => isUnconfirmedTarget(target.status)) ? 'unconfirmed' : 'deployed';
}

/** Every target at once. */
export async function deploy(
  inputs: DeployInputs,
  report: Report,
  workspaceDir: string,
): Promise<DeployResult> {
  const skip = (reason: string): DeployResult => {
    core.info(`Deployment skipped: ${reason}`);
    return { status: 'skipped', targets: [], reason };
  };
  if (report.failure) return skip(`the ${report.failure.stage} stage failed`);
  if (!report.push) return skip('nothing was pushed (push is false)');
  const reasons: string[] = [];
  const runs: Promise<TargetResult[]>[] = [];
  if (inputs.watchtower?.token) {
    runs.push(updateHosts(inputs.watchtower, report.tags));
  } else if (inputs.watchtower) {
    warning(
      'watchtower-token is empty (pull requests from forks get no secrets): the Watchtower hosts are skipped',
    );
    reasons.push('Watchtower hosts skipped: watchtower-token is empty');
  }
  if (inputs.swarm) runs.push(updateServices(inputs.swarm, report, workspaceDir));
  const targets = (await Promise.all(runs)).flat();
  const reason = reasons.join('; ');
  if (targets.length === 0) return { status: 'skipped', targets, reason };
  return { status: deployStatus(targets), targets, reason };
}
