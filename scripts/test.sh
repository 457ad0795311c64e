#!/usr/bin/env bash
# The one test command (README "Test"): on a fresh Debian machine as root it installs and
# starts what the tests need, then runs lint, format check, type-check, the check that dist/
# is what `npm run bundle` makes, the unit suite, and the end-to-end and hostile-conditions
# suites once per builder (classic, buildx docker driver, buildx "standalone").
set -euo pipefail
cd "$(dirname "$0")/.."

# dockerd, the registry and the other Debian packages; buildx, BuildKit, act and Node 24 built
# once into a cache (scripts/tools.sh); the standalone builder started.
bash scripts/setup-machine.sh
npm ci --no-audit --no-fund

# What a test run that was killed before its clean-up left running: the tests' registries and their
# TLS fronts (all named by their /tmp/bpn-registry-* folder) and the tests' Watchtowers. They hold
# ports this run needs (127.0.0.N:80 and :443, which the host stack's 0.0.0.0:443 meets). Here and
# not in setup-machine.sh, which `npm run local` also runs, perhaps beside a test run.
pkill -f '/tmp/bpn-registry-' || true
pkill -f '/\.tmp/tools/bin/watchtower' || true
# The Docker 29 engine is the tests' own: each run starts it empty (see start-docker29.sh).
bash scripts/start-docker29.sh --fresh
# On the machine's dockerd, which may be someone's own: of the tagged images, only those earlier
# runs tagged for the tests' registries (on 127.0.0.N, gone with their run); then every untagged
# (dangling) image, which is what rebuilds leave.
docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^127\.0\.0\.[0-9]+(:[0-9]+)?/' |
  grep -v ':<none>$' | xargs -r docker rmi >/dev/null 2>&1 || true
docker image prune --force >/dev/null

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
node scripts/closing-line.mjs .tmp/vitest-results.json || true
exit "$status"
