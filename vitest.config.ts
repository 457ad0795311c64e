import { defineConfig } from 'vitest/config';
import { BUILDERS, type Detected, detectBuilders } from './__tests__/helpers/builders.js';

const E2E = ['__tests__/e2e/**/*.test.ts', '__tests__/hostile/**/*.test.ts'];
const MISSING_BUILDER = '__tests__/missing-builder.test.ts';

// Only the run that collects end-to-end tests asks docker which builders it has.
const wantsE2e = !process.argv.some((arg) => arg === 'unit' || arg.endsWith('--project=unit'));
const detected: Partial<Record<string, Detected>> = wantsE2e ? detectBuilders() : {};
for (const [id, found] of Object.entries(detected))
  if (found?.missing) console.error(`e2e:${id} is skipped: ${found.missing}`);

/**
 * The end-to-end and hostile suites once per builder. Builders run one after another (each
 * project its own group), two test files at a time: they all drive the one shared dockerd, and
 * two files at once is what 2 cores bear. A builder this machine lacks runs one skipped test
 * that says why and how to get it.
 */
const builderProjects = Object.values(BUILDERS).map((builder, i) => ({
  test: {
    name: `e2e:${builder.id}`,
    sequence: { groupOrder: i + 1 },
    include: detected[builder.id]?.missing ? [MISSING_BUILDER] : E2E,
    env: {
      BPN_TEST_BUILDER: builder.id,
      BPN_TEST_BUILDER_MISSING: detected[builder.id]?.missing ?? '',
      BPN_TEST_BUILDER_DRIVER: detected[builder.id]?.driver ?? '',
    },
    setupFiles: ['__tests__/helpers/builder-setup.ts'],
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
}));

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
    ],
  },
});
