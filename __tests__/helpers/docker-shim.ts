// A `docker` placed first on PATH that records every call and fails: proof that a run never
// reached docker (nor, through it, a registry).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface DockerShim {
  /** PATH with the shim first. */
  path: string;
  calls(): string[];
  /** Forgets the calls so far. */
  reset(): void;
  remove(): void;
}

export function installDockerShim(): DockerShim {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpn-shim-'));
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(log, '');
  fs.writeFileSync(path.join(dir, 'docker'), `#!/bin/sh\necho "$*" >> "${log}"\nexit 99\n`, {
    mode: 0o755,
  });
  return {
    path: `${dir}:${process.env.PATH ?? ''}`,
    calls: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean),
    reset: () => fs.writeFileSync(log, ''),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
