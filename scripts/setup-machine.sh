#!/usr/bin/env bash
# Makes a fresh Debian machine (as root) ready for the tests: Debian's docker.io (dockerd),
# docker-registry (the Distribution registry), busybox-static (a static binary to build images
# FROM scratch, since no base image can be pulled), apache2-utils (htpasswd) and git; then starts
# dockerd when no daemon answers. Idempotent: installs only what is
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Node 20 or later with npm (the machine's own: npm ci, lint, the unit suite). Node 24, which the
# end-to-end suites run the action with, comes from scripts/tools.sh.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null ||
  ! command -v npm >/dev/null; then
  echo "setup: Node 20 or later with npm is needed (https://nodejs.org, or NodeSource's Debian packages); found $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-registry >/dev/null || need+=(docker-registry)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v curl >/dev/null || need+=(curl)
command -v git >/dev/null || need+=(git) # remote Git contexts, served by git daemon in the tests
command -v openssl >/dev/null || need+=(openssl) # certificates: the https Watchtower stand-in, Swarm TLS
command -v ssh >/dev/null || need+=(openssh-client) # docker reaches an ssh:// Swarm manager with it
dpkg -s libseccomp-dev >/dev/null 2>&1 || need+=(libseccomp-dev) # runc for the Docker 29 engine (tools.sh)
command -v ip >/dev/null || need+=(iproute2) # the Docker 29 engine's own bridge
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need[*]}; run as root (or install them) first" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# stranded PID: the process runs in, or from, a folder since removed (a clone of this repository
# it was started from): git, which BuildKit runs for a Git context there, then fails at once.
stranded() { readlink "/proc/$1/cwd" "/proc/$1/exe" 2>/dev/null | grep -q ' (deleted)$'; }

# A dockerd whose bridge docker0 is gone starts no container on it: restarted, which makes it
# again; so is a stranded one.
if docker info >/dev/null 2>&1 && [ -f /var/run/docker.pid ] &&
  { ! ip link show docker0 >/dev/null 2>&1 || stranded "$(cat /var/run/docker.pid)"; }; then
  echo "setup: dockerd's bridge docker0 is gone, or its folder; restarting dockerd"
  pid=$(cat /var/run/docker.pid)
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
fi
if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  log="${TMPDIR:-/tmp}/build-push-notify-dockerd.log"
  # In /, as daemons run: not in a clone that may be removed while it runs.
  (cd / && exec nohup dockerd >"$log" 2>&1 </dev/null) &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see $log" >&2; tail -20 "$log" >&2; exit 1; }
fi
# buildx, BuildKit, act, Node 24, both Watchtowers, Compose, Caddy and mailpit, pinned and built
# once into a cache (scripts/tools.sh).
bash scripts/tools.sh

# The "standalone" builder: the pinned buildkitd on a socket of its own, with buildx's remote
# driver on it. It behaves as docker/setup-buildx-action's container builder does (images stay
# out of dockerd's store, a push attaches a provenance attestation); its RUN steps use the host's
# network, as that builder's `network=host` does, so they reach the registries on 127.0.0.1.
# A container builder of that name (CI's, from docker/setup-buildx-action) is kept as it is; a
# remote one elsewhere (an older set-up's BuildKit) is replaced.
buildkitd=$PWD/.tmp/tools/bin/buildkitd
buildctl=$PWD/.tmp/tools/bin/buildctl
state=/var/lib/build-push-notify/buildkit
sock=unix:///run/build-push-notify/buildkitd.sock
standalone=$(docker buildx inspect standalone 2>/dev/null || true)
driver=$(awk '/^Driver:/{print $2; exit}' <<<"$standalone")
endpoint=$(awk '/^Endpoint:/{print $2; exit}' <<<"$standalone")
if [ -n "$driver" ] && [ "$driver" != remote ]; then
  echo "setup: keeping the buildx builder standalone ($driver driver)"
elif [ ! -x "$buildkitd" ]; then
  echo "setup: no buildkitd in .tmp/tools/bin (see scripts/tools.sh): no standalone builder"
elif [ "$(id -u)" -ne 0 ]; then
  echo "setup: buildkitd runs as root: run this as root for the standalone builder"
else
  want=$("$buildkitd" --version | awk '{print $3}')
  running=$("$buildctl" --addr "$sock" --timeout 5 debug info 2>/dev/null | awk '/^BuildKit:/{print $3}' || true)
  if [ -f "$state/buildkitd.pid" ] && stranded "$(cat "$state/buildkitd.pid")"; then
    running="$running (its folder removed)"
  fi
  if [ "$running" != "$want" ]; then
    if [ -n "$running" ] && [ -f "$state/buildkitd.pid" ]; then
      echo "setup: stopping buildkitd $running"
      kill "$(cat "$state/buildkitd.pid")" 2>/dev/null || true
      for _ in $(seq 1 20); do "$buildctl" --addr "$sock" --timeout 1 debug info >/dev/null 2>&1 || break; sleep 0.5; done
    fi
    echo "setup: starting buildkitd $want"
    mkdir -p "$state" /run/build-push-notify
    printf '%s\n' "root = \"$state\"" '[grpc]' "  address = [\"$sock\"]" \
      '[worker.oci]' '  enabled = true' '  binary = "runc"' '  networkMode = "host"' \
      '[worker.containerd]' '  enabled = false # never dockerd'"'"'s containerd' >"$state/buildkitd.toml"
    # In /, as daemons run: not in a clone that may be removed while it runs.
    (cd / && exec setsid "$buildkitd" --config "$state/buildkitd.toml" >>"$state/buildkitd.log" 2>&1 </dev/null) &
    echo $! >"$state/buildkitd.pid"
    for _ in $(seq 1 60); do
      "$buildctl" --addr "$sock" --timeout 5 debug workers >/dev/null 2>&1 && break
      sleep 0.5
    done
    "$buildctl" --addr "$sock" --timeout 5 debug workers >/dev/null 2>&1 ||
      { echo "setup: buildkitd did not start; see $state/buildkitd.log" >&2; tail -20 "$state/buildkitd.log" >&2; exit 1; }
  fi
  if [ "$endpoint" != "$sock" ]; then
    [ -n "$driver" ] && docker buildx rm standalone >/dev/null 2>&1
    docker buildx create --name standalone --driver remote "$sock" >/dev/null
  fi
fi

# The Docker 29 engine with the containerd image store, on a socket of its own.
bash scripts/start-docker29.sh

echo "setup: dockerd $(docker version --format '{{.Server.Version}}'), $(docker-registry --version 2>/dev/null | head -1)"
