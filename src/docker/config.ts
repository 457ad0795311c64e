// The step's own Docker config (DOCKER_CONFIG): every docker command of the step uses it, the
// login is written into it, and it is deleted when the step ends, so the step's credentials
// never outlive it and the user's own config file is never written.
//
// It starts from the user's config: config.json is copied (other registries' logins, credential
// helpers, the current context, plugin settings), and every other entry of the user's folder
// (buildx builders, cli-plugins, contexts) is linked, so they keep working as they are.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

type ConfigJson = Record<string, unknown> & {
  credsStore?: string;
  credHelpers?: Record<string, string>;
};

/**
 * The key `docker login REGISTRY` stores credentials under: the host as given, except that no
 * registry and `docker.io` mean Docker Hub's index URL (docker CLI 28 keys `index.docker.io`
 * and `registry-1.docker.io` as written).
 */
export function loginKey(registry: string): string {
  const host = registry.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === '' || host === 'docker.io' ? 'https://index.docker.io/v1/' : host;
}

/**
 * The step's config.json from the user's. A `credsStore`, or a `credHelpers` entry for the
 * step's registry, would send the step's login to a store outside the step (a keychain, a
 * cloud helper): an empty helper for that registry makes docker (and buildx, which reads the
 * config the same way) keep that one login in the config file itself.
 */
export function stepConfigJson(user: ConfigJson, loginRegistry: string | undefined): ConfigJson {
  if (loginRegistry === undefined) return user;
  const key = loginKey(loginRegistry);
  if (!user.credsStore && !user.credHelpers?.[key]) return user;
  return { ...user, credHelpers: { ...user.credHelpers, [key]: '' } };
}

/** The user's Docker config folder, as docker finds it. */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'));
}

/** Creates the step's config in `dir` (mode 0700) from the user's folder `userDir`. */
export function createStepConfig(
  dir: string,
  userDir: string,
  loginRegistry: string | undefined,
): void {
  fs.mkdirSync(dir, { mode: 0o700 });
  // A DOCKER_CONFIG that is missing or not a folder: docker warns and uses its defaults.
  const entries = fs.statSync(userDir, { throwIfNoEntry: false })?.isDirectory()
    ? fs.readdirSync(userDir)
    : [];
  for (const entry of entries) {
    if (entry !== 'config.json') fs.symlinkSync(path.join(userDir, entry), path.join(dir, entry));
  }
  let text: string | undefined;
  try {
    text = fs.readFileSync(path.join(userDir, 'config.json'), 'utf8');
  } catch {
    text = undefined; // no config yet: docker's defaults
  }
  let json: ConfigJson | undefined;
  try {
    const parsed: unknown = text === undefined ? {} : JSON.parse(text);
    // Not an object: copied as it is, so docker reports it in its own words.
    json =
      parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as ConfigJson)
        : undefined;
  } catch {
    json = undefined; // unreadable: the same
  }
  const written = json ? JSON.stringify(stepConfigJson(json, loginRegistry), null, 2) : text!;
  fs.writeFileSync(path.join(dir, 'config.json'), written, { mode: 0o600 });
}
