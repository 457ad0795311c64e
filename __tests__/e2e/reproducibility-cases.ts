// What a rebuild of the same commit gives, as measured by reproducibility.test.ts; the README's
// reproducibility table is generated from this (npm run docs), so the docs say what the suite
// measures. Columns are what the builder pushes, since that decides the digest: the classic
// builder's manifest, buildx's single manifest (the docker driver on dockerd's own image store,
// as on 20.10 here), buildx's index with a provenance attestation (the own BuildKit, as here), or
// such an index held in Docker 29's containerd store (its docker driver), whose image id is the
// index digest itself.

export type RebuildColumn =
  'classic' | 'buildx-manifest' | 'buildx-index' | 'buildx-index-in-store';

export interface RebuildCase {
  rebuild: string;
  /** The Dockerfile's steps after `FROM scratch` and a first step of the test's own. */
  dockerfile: string;
  noCache: boolean;
  /** Per column: [same digest, same image id] for two runs of the same commit. */
  same: Record<RebuildColumn, [boolean, boolean]>;
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
      'buildx-manifest': [true, true],
      'buildx-index': [false, true],
      // The provenance attestation is new, so the index is, and its digest is the image id.
      'buildx-index-in-store': [false, false],
    },
  },
  {
    rebuild: 'with `no-cache`, RUN steps writing files',
    dockerfile: RUN_STEPS,
    noCache: true,
    same: {
      classic: [false, false],
      'buildx-manifest': [false, false],
      'buildx-index': [false, false],
      'buildx-index-in-store': [false, false],
    },
  },
  {
    rebuild: 'with `no-cache`, COPY and LABEL only',
    dockerfile: 'COPY busybox /bin/busybox\nLABEL stage=final\n',
    noCache: true,
    same: {
      classic: [false, false],
      'buildx-manifest': [false, false],
      'buildx-index': [false, false],
      'buildx-index-in-store': [false, false],
    },
  },
];

const COLUMNS: [RebuildColumn, string][] = [
  ['classic', 'classic'],
  ['buildx-manifest', 'buildx pushing a manifest (docker driver on 20.10 here)'],
  ['buildx-index', 'buildx pushing an index (own BuildKit here)'],
  ['buildx-index-in-store', 'buildx on the containerd store (Docker 29 docker driver)'],
];

/** The README's table: what two runs of one commit give on each builder. */
export function renderRebuildTable(): string {
  const say = ([digest, imageId]: [boolean, boolean]): string =>
    `${digest ? 'same' : 'new'} digest, ${imageId ? 'same' : 'new'} image id`;
  return [
    `| Built twice | ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `| --- | ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...REBUILD_CASES.map(
      (c) => `| ${c.rebuild} | ${COLUMNS.map(([column]) => say(c.same[column])).join(' | ')} |`,
    ),
  ].join('\n');
}
