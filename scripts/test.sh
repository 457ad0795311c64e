#!/usr/bin/env bash
# The one test command (README "Test"): on a fresh Debian machine as root it installs and
# starts what the tests need, then runs lint, format check, type-check, the check that dist/
# is what `npm run bundle` makes, and the unit, end-to-end and hostile-conditions suites.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
npm ci --no-audit --no-fund

echo "== lint, format, type-check"
npm run lint
npm run typecheck

echo "== dist/ is current"
npm run bundle >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ differs from what 'npm run bundle' makes from src/; run it and commit dist/:" >&2
  git status --short -- dist >&2
  exit 1
fi

echo "== tests"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-results.json || status=$?
# One plain closing line for CI readers that do not parse vitest's own summary.
node -e "const r = require('./.tmp/vitest-results.json'); console.log(r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed' + (r.numPendingTests ? ', ' + r.numPendingTests + ' skipped' : ''))" || true
exit "$status"
