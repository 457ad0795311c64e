// Remote build contexts on loopback: a Git repository served by a real `git daemon` (Debian's
// git), and the same files as a tarball over HTTP. The builder fetches either itself.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUSYBOX } from './context.js';
import { freePort } from './registry.js';

export interface RemoteContexts {
  /** `git://127.0.0.1:PORT/app.git`, branch `main`. */
  gitUrl: string;
  /** `http://127.0.0.1:PORT/context.tar`. */
  tarballUrl: string;
  stop(): Promise<void>;
}

/**
 * The repository: a Dockerfile and an `alt.Dockerfile` at the top, and `service/` with its own
 * Dockerfile and an `Other.Dockerfile`. Each image says which Dockerfile built it in `/built-from`.
 */
const FILES: Record<string, string> = {
  Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY top.txt /built-from\n',
  'top.txt': 'top-level Dockerfile\n',
  'alt.Dockerfile': 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY alt.txt /built-from\n',
  'alt.txt': 'alt.Dockerfile\n',
  'service/Dockerfile': 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY service.txt /built-from\n',
  'service/Other.Dockerfile':
    'FROM scratch\nCOPY busybox /bin/busybox\nCOPY other.txt /built-from\n',
  'service/service.txt': 'service/Dockerfile\n',
  'service/other.txt': 'service/Other.Dockerfile\n',
};

function git(cwd: string, ...args: string[]): void {
  execFileSync(
    'git',
    [
      '-c',
      'user.name=test',
      '-c',
      'user.email=test@example.com',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd, stdio: 'ignore' },
  );
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 5 s`);
}

export async function startRemoteContexts(): Promise<RemoteContexts> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-remote-'));
  const work = path.join(dir, 'work');
  for (const [name, content] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    fs.writeFileSync(path.join(work, name), content);
  }
  fs.copyFileSync(BUSYBOX, path.join(work, 'busybox'));
  fs.copyFileSync(BUSYBOX, path.join(work, 'service', 'busybox'));
  git(work, 'init', '--quiet');
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'context');
  const served = path.join(dir, 'served');
  fs.mkdirSync(served);
  git(dir, 'clone', '--quiet', '--bare', work, path.join(served, 'app.git'));

  const tarball = execFileSync('tar', ['-C', work, '--exclude=.git', '-cf', '-', '.'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const gitPort = await freePort();
  const daemon: ChildProcess = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      `--base-path=${served}`,
      '--listen=127.0.0.1',
      `--port=${gitPort}`,
      served,
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(gitPort);
  } catch (error) {
    daemon.kill('SIGTERM');
    throw error;
  }

  const server = http.createServer((request, response) => {
    if (request.url !== '/context.tar') return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'application/x-tar' }).end(tarball);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: httpPort } = server.address() as net.AddressInfo;

  return {
    gitUrl: `git://127.0.0.1:${gitPort}/app.git`,
    tarballUrl: `http://127.0.0.1:${httpPort}/context.tar`,
    async stop() {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
