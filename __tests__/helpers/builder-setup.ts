// Runs before every end-to-end test file: tags each result with its builder (and engine, past the default one), so the test
// command's closing line can count the tests of each builder.
import { beforeEach } from 'vitest';
import { BUILDER, ENGINE } from './builders.js';

declare module 'vitest' {
  interface TaskMeta {
    builder?: string;
  }
}

beforeEach(({ task }) => {
  task.meta.builder = ENGINE.id === 'docker20' ? BUILDER.id : `${ENGINE.id}:${BUILDER.id}`;
});
