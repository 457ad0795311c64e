// Real Watchtower, as a process on the test engine: nicholas-fedor/watchtower (the maintained
// fork) and containrrr/watchtower 1.7.1 (the archived original), both built from their Go modules
// by scripts/tools.sh into .tmp/tools/bin. Each watches the engine of the running vitest project
// (DOCKER_HOST) and serves its HTTP API on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './action.js';
import { ENGINE, ENGINES } from './builders.js';
import { freePort } from './registry.js';

export type Flavour = 'fork' | 'containrrr';

const BINARIES: Record<Flavour, string> = {
  fork: path.join(ROOT, '.tmp', 'tools', 'bin', 'watchtower'),
  containrrr: path.join(ROOT, '.tmp', 'tools', 'bin', 'watchtower-containrrr'),
};

/** Why real Watchtower cannot run here, or undefined when both are built. */
export function missingWatchtower(): string | undefined {
  const missing = Object.values(BINARIES).filter((binary) => !fs.existsSync(binary));
  return missing.length > 0
    ? `${missing.join(' and ')} missing: bash scripts/tools.sh builds them (it needs Go 1.26.6 or later)`
    : undefined;
}

const socketOf = (host: string): string => host || 'unix:///var/run/docker.sock';

/** The engine's socket, as Watchtower's DOCKER_HOST. */
export const ENGINE_SOCKET = socketOf(ENGINE.host);

/** The other test engine's: a host that is not the runner, which has none of its builds. */
export const OTHER_ENGINE_SOCKET = socketOf(
  (ENGINE.id === 'docker29' ? ENGINES.docker20 : ENGINES.docker29).host,
);

export interface RealWatchtower {
  flavour: Flavour;
  url: string;
  /** What it says of itself at start ("v1.20.1"). */
  version: string;
  /** Everything it has logged so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface WatchtowerOptions {
  flavour: Flavour;
  token: string;
  /** Its docker; default the engine of the running project. */
  dockerHost?: string;
  /** More of its settings (WATCHTOWER_COOLDOWN_DELAY, …). */
  env?: Record<string, string>;
}

/**
 * Starts one, with the update endpoint on, polls off (the HTTP API turns them off), only
 * containers labelled com.centurylinklabs.watchtower.enable=true, and no registry credentials
 * but what `env` gives. containrrr's listens on :8080 and nowhere else, so only one runs at a time.
 */
export async function startRealWatchtower(options: WatchtowerOptions): Promise<RealWatchtower> {
  // At start it inspects the engine's containers (looking for other Watchtowers); one that a test
  // running beside removes between its list and its inspect ends it ("No such container", seen
  // with containrrr's in a full run). Started again, as a restart policy would.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt === 3 || !/exited with \S+ at start:[\s\S]*No such container/.test(String(error)))
        throw error;
    }
  }
}

async function startOnce(options: WatchtowerOptions): Promise<RealWatchtower> {
  const { flavour } = options;
  const port = flavour === 'fork' ? await freePort() : 8080;
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-watchtower-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOSTNAME: os.hostname(),
    DOCKER_HOST: options.dockerHost ?? ENGINE_SOCKET,
    // Where it reads registry logins (config.json): a folder of its own.
    DOCKER_CONFIG: config,
    WATCHTOWER_HTTP_API_TOKEN: options.token,
    WATCHTOWER_LABEL_ENABLE: 'true',
    ...(flavour === 'fork'
      ? {
          WATCHTOWER_HTTP_API_ENDPOINTS: 'update',
          WATCHTOWER_HTTP_API_HOST: '127.0.0.1',
          WATCHTOWER_HTTP_API_PORT: String(port),
          // The loopback registries speak http; the fork asks https of every registry otherwise.
          WATCHTOWER_REGISTRY_TLS_SKIP: 'true',
        }
      : {
          WATCHTOWER_HTTP_API_UPDATE: 'true',
          WATCHTOWER_NO_STARTUP_MESSAGE: 'true',
          // It pins API 1.25 and does not negotiate; Docker 29 takes 1.40 and later.
          ...(ENGINE.id === 'docker29' && { DOCKER_API_VERSION: '1.41' }),
        }),
    ...options.env,
  };
  let output = '';
  const child: ChildProcess = spawn(BINARIES[flavour], [], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(config, { recursive: true, force: true });
  };
  // Up when its port takes connections: at most 15 s.
  for (let i = 0; ; i++) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`watchtower (${flavour}) exited with ${exited} at start:\n${output}`);
    }
    if (await accepts(port)) break;
    if (i === 150) {
      await stop();
      throw new Error(`watchtower (${flavour}) did not listen on ${port} within 15 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    flavour,
    url: `http://127.0.0.1:${port}`,
    version: /Watchtower (v[\w.-]+)/.exec(output)?.[1] ?? '',
    log: () => output,
    stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A unix socket that passes every connection to the engine's, until closed: a Watchtower started
 * on it loses its docker when the test says so, as a host whose daemon stops.
 */
export async function closableDockerSocket(): Promise<{ host: string; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-docker-sock-'));
  const socketPath = path.join(dir, 'docker.sock');
  const target = ENGINE_SOCKET.replace(/^unix:\/\//, '');
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const daemon = net.connect(target);
    for (const socket of [client, daemon]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(daemon).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    host: `unix://${socketPath}`,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
