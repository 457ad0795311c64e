// Planted secret values: every hostile test runs with them and checks none escapes.
import type { ActionRun } from './action.js';

export const PLANTED = {
  password: 'Planted-Registry-Password-3b9e',
  sendgridToken: 'SG.planted-sendgrid-token-5d1c',
  watchtowerToken: 'planted-watchtower-token-8a2f',
};

/** Secrets found anywhere in the run's text, except in the `::add-mask::` lines the runner consumes. */
export function leakedSecrets(run: ActionRun, extra: string[] = []): string[] {
  const text = run.everything
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [...Object.values(PLANTED), ...extra].filter((secret) => text.includes(secret));
}
