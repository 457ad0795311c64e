// What a rebuild of the same commit gives on each builder, as measured by reproducibility.test.ts;
// the README's reproducibility table is generated from this (npm run docs), so the docs say what
// the suite measures.
import type { BuilderId } from '../helpers/builders.js';

export interface RebuildCase {
  rebuild: string;
  /** The Dockerfile's steps after `FROM scratch` and a first step of the test's own. */
  dockerfile: string;
  noCache: boolean;
  /** Per builder: [same digest, same image id] for two runs of the same commit. */
  same: Record<BuilderId, [boolean, boolean]>;
}

const RUN_STEPS =
  'COPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nRUN date > /built-at\n';

export const REBUILD_CASES: RebuildCase[] = [
  {
    rebuild: 'again, with the layer cache',
    dockerfile: RUN_STEPS,
    noCache: false,
    same: {
      classic: [true, true],
      'buildx-docker': [true, true],
      'buildx-standalone': [false, true],
    },
  },
  {
    rebuild: 'with `no-cache`, RUN steps writing files',
    dockerfile: RUN_STEPS,
    noCache: true,
    same: {
      classic: [false, false],
      'buildx-docker': [false, false],
      'buildx-standalone': [false, false],
    },
  },
  {
    rebuild: 'with `no-cache`, COPY and LABEL only',
    dockerfile: 'COPY busybox /bin/busybox\nLABEL stage=final\n',
    noCache: true,
    same: {
      classic: [false, false],
      'buildx-docker': [false, false],
      'buildx-standalone': [false, false],
    },
  },
];

const BUILDER_COLUMNS: [BuilderId, string][] = [
  ['classic', 'classic'],
  ['buildx-docker', 'buildx, docker driver'],
  ['buildx-standalone', 'buildx, own BuildKit'],
];

/** The README's table: what two runs of one commit give on each builder. */
export function renderRebuildTable(): string {
  const say = ([digest, imageId]: [boolean, boolean]): string =>
    `${digest ? 'same' : 'new'} digest, ${imageId ? 'same' : 'new'} image id`;
  return [
    `| Built twice | ${BUILDER_COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `| --- | ${BUILDER_COLUMNS.map(() => '---').join(' | ')} |`,
    ...REBUILD_CASES.map(
      (c) => `| ${c.rebuild} | ${BUILDER_COLUMNS.map(([id]) => say(c.same[id])).join(' | ')} |`,
    ),
  ].join('\n');
}
