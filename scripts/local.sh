#!/usr/bin/env bash
# `npm run local [-- --builder classic|buildx|standalone]`: the action's whole job on this
# machine, as a new user would see it (scripts/local-run.ts). Does its own set-up the way the
# test command does: the Debian packages and dockerd (scripts/setup-machine.sh, as root when
# something is missing) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
# npm writes node_modules/.package-lock.json on every install: older than the lock file means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec npx tsx scripts/local-run.ts "$@"
