import { defineConfig } from 'vitest/config';
import { BUILDERS, type Detected, detectBuilders, ENGINES } from './__tests__/helpers/builders.js';

const E2E = ['__tests__/e2e/**/*.test.ts', '__tests__/hostile/**/*.test.ts'];
const MISSING_BUILDER = '__tests__/missing-builder.test.ts';

// Only the run that collects end-to-end tests asks docker which builders it has.
const wantsE2e = !process.argv.some((arg) => arg === 'unit' || arg.endsWith('--project=unit'));
const engines = Object.values(ENGINES);
const detected = Object.fromEntries(
  engines.map((engine) => [engine.id, wantsE2e ? detectBuilders(engine) : undefined]),
) as Record<string, Partial<Record<string, Detected>> | undefined>;

/** `e2e:classic` on the machine's dockerd 20.10, `e2e:docker29:classic` on Docker 29. */
const projectName = (engine: string, builder: string): string =>
  engine === 'docker20' ? `e2e:${builder}` : `e2e:${engine}:${builder}`;
for (const engine of engines)
  for (const [id, found] of Object.entries(detected[engine.id] ?? {}))
    if (found?.missing) console.error(`${projectName(engine.id, id)} is skipped: ${found.missing}`);

/**
 * The end-to-end and hostile suites once per engine and builder. They run one after another
 * (each project its own group), two test files at a time: two files at once is what 2 cores
 * bear. A builder this machine lacks runs one skipped test that says why and how to get it.
 */
const builderProjects = engines.flatMap((engine, e) =>
  Object.values(BUILDERS).map((builder, i) => {
    const found = detected[engine.id]?.[builder.id];
    return {
      test: {
        name: projectName(engine.id, builder.id),
        sequence: { groupOrder: 1 + e * Object.keys(BUILDERS).length + i },
        include: found?.missing ? [MISSING_BUILDER] : E2E,
        env: {
          BPN_TEST_ENGINE: engine.id,
          BPN_TEST_BUILDER: builder.id,
          BPN_TEST_BUILDER_MISSING: found?.missing ?? '',
          BPN_TEST_BUILDER_DRIVER: found?.driver ?? '',
          ...(engine.host && { DOCKER_HOST: engine.host }),
        },
        setupFiles: ['__tests__/helpers/builder-setup.ts'],
        maxWorkers: 2,
        testTimeout: 180_000,
        hookTimeout: 120_000,
      },
    };
  }),
);

/**
 * The host stack (deploy/docker-compose.yml) on the machine's dockerd, after every builder: it
 * publishes ports 80, 443 and 8080 on the host, which the Watchtower suite's registries and
 * containrrr's Watchtower use while a builder project runs.
 */
const hostStack = {
  test: {
    name: 'e2e:host-stack',
    sequence: { groupOrder: 1 + builderProjects.length },
    include: ['__tests__/stack/**/*.test.ts'],
    env: { BPN_TEST_ENGINE: 'docker20', BPN_TEST_BUILDER: 'classic' },
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['__tests__/unit/**/*.test.ts'],
        },
      },
      ...builderProjects,
      ...(wantsE2e ? [hostStack] : []),
    ],
  },
});
