// Runs before every end-to-end test file: tags each result with its builder, so the test
// command's closing line can count the tests of each builder.
import { beforeEach } from 'vitest';
import { BUILDER } from './builders.js';

declare module 'vitest' {
  interface TaskMeta {
    builder?: string;
  }
}

beforeEach(({ task }) => {
  task.meta.builder = BUILDER.id;
});
