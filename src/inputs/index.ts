// Reads every input once, validates it, and returns one typed object. Pure given its reader and
// environment, so tests drive it without a runner. Every problem names the input and what is
// expected; all problems are reported together, before any docker command or network call.
import { type BuildEnvironment, type BuildInputs, readBuild } from './build.js';
import { Checker, InputError, type InputReader } from './checker.js';
import {
  type DeployInputs,
  readDeploy,
  type SwarmInputs,
  type SwarmService,
  type SwarmTls,
  type WatchtowerInputs,
} from './deploy.js';
import { type LoginInputs, readLogin } from './login.js';
import { type MailInputs, readMail } from './mail.js';

export type {
  BuildInputs,
  DeployInputs,
  InputReader,
  LoginInputs,
  MailInputs,
  SwarmInputs,
  SwarmService,
  SwarmTls,
  WatchtowerInputs,
};
export type { NotifyOn } from './mail.js';
export { InputError };

/** What the inputs are checked against besides their own text. */
export type InputEnvironment = BuildEnvironment;

export interface Inputs {
  build: BuildInputs;
  login: LoginInputs | undefined;
  mail: MailInputs | undefined;
  deploy: DeployInputs | undefined;
}

/** Inputs whose values are masked before anything is logged, and never echoed in a message. */
export const SECRET_INPUTS = [
  'password',
  'sendgrid-token',
  'watchtower-token',
  'swarm-tls-ca',
  'swarm-tls-cert',
  'swarm-tls-key',
  'github-token',
  'secrets',
] as const;

/** Reads and validates every input; throws InputError listing every problem found. */
export function readInputs(read: InputReader, env: InputEnvironment): Inputs {
  const c = new Checker(read);
  const build = readBuild(c, env);
  const inputs: Inputs = {
    build,
    login: readLogin(c),
    mail: readMail(c),
    deploy: readDeploy(c, build.tags),
  };
  if (c.problems.length > 0) throw new InputError(c.problems);
  return inputs;
}
