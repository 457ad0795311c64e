// Which builder a build runs on, decided the way the docker CLI decides it: buildx when its CLI
// plugin is where docker looks for plugins, unless DOCKER_BUILDKIT turns BuildKit off. Pure given
// the environment and a file reader, so it is tested without docker.
import * as path from 'node:path';

export type BuilderKind = 'buildx' | 'classic';

export interface BuilderChoice {
  kind: BuilderKind;
  /** The buildx builder the environment names (BUILDX_BUILDER); empty for the current one. */
  name: string;
  /** Why the environment cannot build as asked; reported with the input problems. */
  problem?: string;
}

/** What the choice reads besides the environment variables. */
export interface PluginLookup {
  exists(file: string): boolean;
  /** The file's text, or undefined when it cannot be read. */
  read(file: string): string | undefined;
  homedir: string;
  platform: NodeJS.Platform;
}

/** Go's strconv.ParseBool, which docker applies to DOCKER_BUILDKIT. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** `cliPluginsExtraDirs` of the CLI's config.json; a missing or unreadable file has none. */
function extraPluginDirs(configFile: string, lookup: PluginLookup): string[] {
  const text = lookup.read(configFile);
  if (!text) return [];
  try {
    const dirs = (JSON.parse(text) as { cliPluginsExtraDirs?: unknown }).cliPluginsExtraDirs;
    return Array.isArray(dirs) ? dirs.filter((dir): dir is string => typeof dir === 'string') : [];
  } catch {
    return [];
  }
}

/** Paths as the machine the step runs on writes them. */
function pathsOf(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Where the docker CLI looks for plugins (docker/cli, cli-plugins/manager), in its order. */
export function pluginFolders(env: NodeJS.ProcessEnv, lookup: PluginLookup): string[] {
  const { join } = pathsOf(lookup.platform);
  const configDir = env.DOCKER_CONFIG || join(lookup.homedir, '.docker');
  const system =
    lookup.platform === 'win32'
      ? [
          join(env.ProgramData ?? 'C:\\ProgramData', 'Docker', 'cli-plugins'),
          join(env.ProgramFiles ?? 'C:\\Program Files', 'Docker', 'cli-plugins'),
        ]
      : [
          '/usr/local/lib/docker/cli-plugins',
          '/usr/local/libexec/docker/cli-plugins',
          '/usr/lib/docker/cli-plugins',
          '/usr/libexec/docker/cli-plugins',
        ];
  return [
    join(configDir, 'cli-plugins'),
    ...extraPluginDirs(join(configDir, 'config.json'), lookup),
    ...system,
  ];
}

/**
 * buildx or the classic builder. A few stat calls instead of a docker process (`docker buildx
 * version` costs about 45 ms here). An unparsable DOCKER_BUILDKIT is a problem docker itself
 * would fail on later, so it is reported before anything runs.
 */
export function chooseBuilder(env: NodeJS.ProcessEnv, lookup: PluginLookup): BuilderChoice {
  const plugin = lookup.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx';
  const { join } = pathsOf(lookup.platform);
  const hasBuildx = pluginFolders(env, lookup).some((dir) => lookup.exists(join(dir, plugin)));
  const name = env.BUILDX_BUILDER ?? '';
  const raw = env.DOCKER_BUILDKIT ?? '';
  if (raw === '') return { kind: hasBuildx ? 'buildx' : 'classic', name };
  const enabled = parseGoBool(raw);
  if (enabled === undefined) {
    return {
      kind: 'classic',
      name,
      problem: `Environment variable DOCKER_BUILDKIT: expected a boolean as docker reads it (1, 0, true, false, t, f), got "${raw}"`,
    };
  }
  // Asked for BuildKit without buildx: the classic path runs `docker build`, and docker itself
  // says what is missing (or, before CLI 23, builds with its built-in BuildKit).
  return { kind: enabled && hasBuildx ? 'buildx' : 'classic', name };
}
