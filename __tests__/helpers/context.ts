// Build contexts for the tests: images FROM scratch with Debian's static busybox, since no
// base image can be pulled here.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const BUSYBOX = '/bin/busybox';

export const BUSYBOX_BASE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
`;

/** A temporary build context with busybox and the given Dockerfile. */
export function makeContext(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-context-'));
  fs.copyFileSync(BUSYBOX, path.join(dir, 'busybox'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

export function dockerCli(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A unique repository name per test, so tests sharing the daemon never see each other's tags. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The image id dockerd gives `reference` once pulled from the registry: what a deploy host runs.
 * (Images built on the standalone builder are not in dockerd's store until pulled.)
 */
export function pulledImageId(reference: string): string {
  dockerCli(['pull', '--quiet', reference]);
  return dockerCli(['image', 'inspect', '--format', '{{.Id}}', reference]).trim();
}
