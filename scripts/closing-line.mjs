// The test command's last line, for CI readers that do not parse vitest's own summary: totals,
// then the end-to-end count per builder (each result is tagged with its builder in
// __tests__/helpers/builder-setup.ts) and any builder this machine lacked.
import * as fs from 'node:fs';

const results = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const perBuilder = new Map();
const missing = [];
for (const file of results.testResults) {
  for (const test of file.assertionResults) {
    if (test.title.startsWith('builder missing: ')) missing.push(test.title.slice(17));
    const builder = test.meta?.builder;
    if (!builder) continue;
    const counts = perBuilder.get(builder) ?? { passed: 0, failed: 0 };
    if (test.status === 'passed') counts.passed++;
    if (test.status === 'failed') counts.failed++;
    perBuilder.set(builder, counts);
  }
}
const totals = `${results.numPassedTests} passed, ${results.numFailedTests} failed${results.numPendingTests ? `, ${results.numPendingTests} skipped` : ''}`;
const builders = [...perBuilder]
  .map(([name, c]) => `${name} ${c.passed} passed${c.failed ? `/${c.failed} failed` : ''}`)
  .join(', ');
console.log(`${totals}; end to end on ${perBuilder.size} builders: ${builders || 'none'}`);
for (const line of missing) console.log(`skipped builder ${line}`);
