#!/usr/bin/env bash
# Renders the email saved by `npm run local` with headless Chromium (Debian's `chromium`) into
# docs/email.png, the picture in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
html=".tmp/local-run/email.html"
[ -s "$html" ] || { echo "run 'npm run local' first" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=680,630 \
  --screenshot=docs/email.png "file://$PWD/$html" 2>/dev/null
echo "docs/email.png written"
