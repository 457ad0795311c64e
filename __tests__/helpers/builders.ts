// The three builders the end-to-end and hostile suites run on, one vitest project each
// (vitest.config.ts): the classic builder, buildx on dockerd's own BuildKit (the docker driver,
// a runner's default) and buildx on a BuildKit of its own named `standalone` (the remote driver
// here, the container builder of docker/setup-buildx-action on GitHub): images not in dockerd's
// store, pushes with a provenance attestation, so the pushed digest is an index. Each runs on two
// engines: Debian's dockerd 20.10 (overlay2, what an upgraded host keeps) and a Docker 29 built by
// scripts/tools.sh (the containerd image store, a fresh install's default), reached through
// DOCKER_HOST. On Docker 29 the standalone builder is the container-like builder that loads into it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type BuilderId = 'classic' | 'buildx-docker' | 'buildx-standalone';

export const STANDALONE = 'standalone';

export type EngineId = 'docker20' | 'docker29';

export interface TestEngine {
  id: EngineId;
  /** DOCKER_HOST for it; empty for the machine's default daemon. */
  host: string;
  /** The port its test swarm's manager listens on: one each, so one engine's never blocks the other's. */
  swarmPort: number;
}

export const ENGINES: Record<EngineId, TestEngine> = {
  docker20: { id: 'docker20', host: '', swarmPort: 2377 },
  docker29: {
    id: 'docker29',
    host: 'unix:///run/build-push-notify/docker29.sock',
    swarmPort: 2477,
  },
};

export interface TestBuilder {
  id: BuilderId;
  buildx: boolean;
  /** What the action's environment sets to build on it, as a workflow would. */
  env: Record<string, string>;
}

export const BUILDERS: Record<BuilderId, TestBuilder> = {
  classic: { id: 'classic', buildx: false, env: { DOCKER_BUILDKIT: '0' } },
  'buildx-docker': { id: 'buildx-docker', buildx: true, env: { BUILDX_BUILDER: 'default' } },
  'buildx-standalone': {
    id: 'buildx-standalone',
    buildx: true,
    env: { BUILDX_BUILDER: STANDALONE },
  },
};

function answers(args: string[], engine: TestEngine): string | undefined {
  try {
    return execFileSync('docker', args, {
      env: engine.host ? { ...process.env, DOCKER_HOST: engine.host } : process.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 20_000,
    });
  } catch {
    return undefined;
  }
}

export interface Detected {
  /** Why the builder cannot run here, with how to get it; undefined when it can. */
  missing?: string;
  /** buildx's driver for it (`docker`, `remote`, `docker-container`). */
  driver?: string;
}

/** Which builders an engine has here, asked of docker once per test run (vitest.config.ts). */
export function detectBuilders(engine: TestEngine): Record<BuilderId, Detected> {
  if (answers(['info', '--format', '{{.ID}}'], engine) === undefined) {
    const missing = `no Docker daemon answers${engine.host ? ` on ${engine.host}` : ''} (as root: bash scripts/setup-machine.sh)`;
    return { classic: { missing }, 'buildx-docker': { missing }, 'buildx-standalone': { missing } };
  }
  const detected: Record<BuilderId, Detected> = {
    classic: {},
    'buildx-docker': { driver: 'docker' },
    'buildx-standalone': {},
  };
  if (answers(['buildx', 'version'], engine) === undefined) {
    detected['buildx-docker'].missing =
      'docker has no buildx plugin (install it: see CONTRIBUTING.md, "Builders")';
  }
  const standalone = answers(['buildx', 'inspect', '--bootstrap', STANDALONE], engine) ?? '';
  if (!/Status:\s+running/.test(standalone)) {
    detected['buildx-standalone'].missing =
      `no running buildx builder named "${STANDALONE}" (create one: see CONTRIBUTING.md, "Builders")`;
  }
  detected['buildx-standalone'].driver = /Driver:\s+(\S+)/.exec(standalone)?.[1];
  return detected;
}

/** The builder of the running vitest project. */
export const BUILDER: TestBuilder =
  BUILDERS[(process.env.BPN_TEST_BUILDER as BuilderId) ?? ''] ?? BUILDERS.classic;

/** The engine of the running vitest project. */
export const ENGINE: TestEngine =
  ENGINES[(process.env.BPN_TEST_ENGINE as EngineId) ?? ''] ?? ENGINES.docker20;

/** The engine keeps images in containerd's store (Docker 29 fresh): ids are manifest digests. */
export const CONTAINERD_STORE = ENGINE.id === 'docker29';

/** The builder is a BuildKit outside dockerd (buildx's remote driver): it builds without dockerd. */
export const REMOTE_BUILDKIT = process.env.BPN_TEST_BUILDER_DRIVER === 'remote';

/**
 * A Docker config folder of its own for one run (so its logins are seen and checked alone), with
 * the buildx builder definitions of the user's, so `BUILDX_BUILDER=standalone` still resolves.
 */
export function tempDockerConfig(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-docker-config-'));
  const user = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  const instances = path.join(user, 'buildx', 'instances');
  if (fs.existsSync(instances))
    fs.cpSync(instances, path.join(dir, 'buildx', 'instances'), { recursive: true });
  // The buildx plugin, where scripts/tools.sh puts it (docker looks in DOCKER_CONFIG/cli-plugins).
  const plugins = path.join(user, 'cli-plugins');
  if (fs.existsSync(plugins)) fs.symlinkSync(plugins, path.join(dir, 'cli-plugins'));
  return dir;
}
