// What a rebuild of the same commit gives on each builder, as measured by reproducibility.test.ts;
// the README's reproducibility table is generated from this (npm run docs), so the docs say what
// the suite measures.
import type { BuilderId } from '../helpers/builders.js';

export interface RebuildCase {
  rebuild: string;
  /** The Dockerfile after the busybox base. */
  dockerfile: string;
  noCache: boolean;
  /** Per builder: [same digest, same image id] for two runs of the same commit. */
  same: Record<BuilderId, [boolean, boolean]>;
}

export const REBUILD_CASES: RebuildCase[] = [
  {
    rebuild: 'again, with the layer cache',
    dockerfile: 'RUN date > /built-at\n',
    noCache: false,
    same: {
      classic: [true, true],
      'buildx-docker': [true, true],
      'buildx-standalone': [false, true],
    },
  },
  {
    rebuild: 'with `no-cache`, a RUN step writing files',
    dockerfile: 'RUN date > /built-at\n',
    noCache: true,
    same: {
      classic: [false, false],
      'buildx-docker': [false, false],
      'buildx-standalone': [false, false],
    },
  },
  {
    rebuild: 'with `no-cache`, COPY and metadata only',
    dockerfile: 'COPY busybox /copy/busybox\nLABEL stage=final\n',
    noCache: true,
    same: {
      classic: [false, false],
      'buildx-docker': [false, false],
      'buildx-standalone': [false, false],
    },
  },
];
