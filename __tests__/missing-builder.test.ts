// Stands in for the end-to-end suites of a builder this machine lacks (see vitest.config.ts):
// one skipped test whose name says which builder, why, and how to get it.
import { it } from 'vitest';

it.skip(`builder missing: ${process.env.BPN_TEST_ENGINE === 'docker20' ? '' : `${process.env.BPN_TEST_ENGINE}:`}${process.env.BPN_TEST_BUILDER}: ${process.env.BPN_TEST_BUILDER_MISSING}`, () => {});
