#!/usr/bin/env bash
# Starts the Docker 29 engine that scripts/tools.sh built, beside Debian's dockerd 20.10: its own
# containerd, socket, data-root and exec-root, and the containerd image store (a fresh install's
# default on 29; the data-root here is always fresh to it, so the default is what it gets). Its own
# bridge and address pool, so the two daemons never hand out the same subnet. Idempotent: an
# engine of the pinned version that answers is kept, unless `--fresh` asks for an empty one (the
# test command does: the tests are its only user, and they leave hundreds of images a run, which
# slow the containerd image store down: with 3,246 of them `docker images` took 21 s).
# As root.
#
# The tests reach it with DOCKER_HOST=unix:///run/build-push-notify/docker29.sock (vitest.config.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=false
case "${1:-}" in
  --fresh) fresh=true ;;
  '') ;;
  *) echo "usage: $0 [--fresh]" >&2; exit 2 ;;
esac
bin=$PWD/.tmp/tools/docker29/bin
# Its daemons run in /, as daemons do: not in a clone that may be removed while they run.
cd /
run=/run/build-push-notify/docker29
state=/var/lib/build-push-notify/docker29
sock=unix:///run/build-push-notify/docker29.sock
bridge=bpn-docker29 # at most 15 characters, Linux's limit for a link name
bridge_cidr=10.229.0.1/24
pool=10.230.0.0/16 # networks this engine creates (Swarm's, Compose's): not 20.10's 172.17-31

if [ ! -x "$bin/dockerd" ]; then
  echo "setup: no Docker 29 engine in .tmp/tools/docker29/bin (see scripts/tools.sh): its suites are skipped"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: dockerd runs as root: run this as root for the Docker 29 engine"
  exit 0
fi
want=$("$bin/dockerd" --version | sed -E 's/^Docker version ([^,]+),.*/\1/')
running=$(DOCKER_HOST=$sock timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null || true)
# stranded PID: the process runs from a folder since removed (the clone it was started from).
stranded() { readlink "/proc/$1/exe" 2>/dev/null | grep -q ' (deleted)$'; }
[ "$fresh" = false ] && [ "$running" = "$want" ] && ! stranded "$(cat "$run/dockerd.pid" 2>/dev/null)" && exit 0

# stop_pid FILE: ends the process a pid file names, waiting up to 15 s.
stop_pid() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}
had_docker0=$(ip link show docker0 2>/dev/null || true)
# A starting dockerd 29 removes every iptables chain it knows by name (moby's removeIPChains), among
# them 20.10's DOCKER-ISOLATION-STAGE-1 and -2, without which 20.10 can create no network ("Chain
# 'DOCKER-ISOLATION-STAGE-1' does not exist": the host stack's `compose up`). Saved here (both or
# none), and put back once dockerd 29 has started, or failed to.
isolation_rules() {
  iptables -S DOCKER-ISOLATION-STAGE-1 2>/dev/null && iptables -S DOCKER-ISOLATION-STAGE-2 2>/dev/null
}
isolation=$(isolation_rules) || isolation=
restore_isolation() {
  [ -n "$isolation" ] || return 0
  [ "$(isolation_rules)" = "$isolation" ] &&
    iptables -C FORWARD -j DOCKER-ISOLATION-STAGE-1 2>/dev/null && return 0
  # What is left of them goes first: dockerd 29 empties stage 1 but cannot remove it while
  # FORWARD still jumps to it.
  while iptables -D FORWARD -j DOCKER-ISOLATION-STAGE-1 2>/dev/null; do :; done
  local chain rule
  for chain in DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2; do
    if iptables -F "$chain" 2>/dev/null; then iptables -X "$chain"; fi
  done
  # Both chains before any rule (stage 1's rules jump to stage 2); then FORWARD's jump to stage
  # 1 at the top, under the jump to DOCKER-USER, where 20.10 puts them.
  while read -ra rule; do
    iptables "${rule[@]}"
  done < <(grep -- '^-N ' <<<"$isolation"; grep -- '^-A ' <<<"$isolation")
  iptables -I FORWARD -j DOCKER-ISOLATION-STAGE-1
  if iptables -D FORWARD -j DOCKER-USER 2>/dev/null; then iptables -I FORWARD -j DOCKER-USER; fi
}
stop_pid "$run/dockerd.pid"
stop_pid "$run/containerd.pid"
if [ "$fresh" = true ]; then
  # Containers outlive their containerd in their shims (dockerd stops them, unless it had to be
  # killed): each shim's container goes with it, and their mounts before their files.
  for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $run/containerd.sock" || true); do
    pkill -9 -P "$shim" || true
    kill -9 "$shim" 2>/dev/null || true
  done
  findmnt -rn -o TARGET | { grep -E "^($state|$run)/" || true; } | sort -r | xargs -r umount -l
  rm -rf "$state/docker" "$state/containerd" "$state"/*.log
fi

echo "setup: starting Docker $want (containerd image store) on $sock"
mkdir -p "$run" "$state"
# Its network state starts empty each time: a dockerd that finds its own stale default bridge
# network at start, with an address pool set, deletes the host's docker0 (moby
# daemon/daemon_unix.go, removeDefaultBridgeInterface), which is dockerd 20.10's bridge.
rm -rf "$state/docker/network"
cat >"$state/containerd.toml" <<EOF
version = 3
root = "$state/containerd"
state = "$run/containerd"
# Kubernetes' CRI and NRI: dockerd uses neither
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images", "io.containerd.nri.v1.nri"]
[grpc]
  address = "$run/containerd.sock"
EOF
rm -f "$run/containerd.sock" # a socket left by an earlier containerd would look ready
PATH="$bin:$PATH" setsid "$bin/containerd" --config "$state/containerd.toml" \
  >>"$state/containerd.log" 2>&1 </dev/null &
echo $! >"$run/containerd.pid"
# dockerd gives up at once on a containerd that does not answer yet (a fresh one takes seconds).
for _ in $(seq 1 60); do
  [ -S "$run/containerd.sock" ] && break
  sleep 0.5
done

if ! ip link show "$bridge" >/dev/null 2>&1; then
  ip link add name "$bridge" type bridge
  ip addr add "$bridge_cidr" dev "$bridge"
fi
ip link set "$bridge" up

# dockerd finds runc, containerd-shim-runc-v2 and docker-proxy on its PATH: the ones built for it.
PATH="$bin:$PATH" setsid "$bin/dockerd" --host "$sock" --data-root "$state/docker" --exec-root "$run/exec" \
  --pidfile "$run/dockerd.pid" --containerd "$run/containerd.sock" --bridge "$bridge" \
  --default-address-pool "base=$pool,size=24" >>"$state/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
  DOCKER_HOST=$sock docker info >/dev/null 2>&1 && break
  sleep 0.5
done
restore_isolation
if ! DOCKER_HOST=$sock docker info >/dev/null 2>&1; then
  echo "setup: Docker $want did not start; see $state/dockerd.log and $state/containerd.log" >&2
  tail -20 "$state/dockerd.log" >&2
  exit 1
fi
if [ -n "$had_docker0" ] && ! ip link show docker0 >/dev/null 2>&1; then
  echo "setup: starting Docker $want removed docker0, dockerd 20.10's bridge" >&2
  exit 1
fi
store=$(DOCKER_HOST=$sock docker info --format '{{range .DriverStatus}}{{if eq (index . 0) "driver-type"}}{{index . 1}}{{end}}{{end}}')
echo "setup: Docker $want answers on $sock, image store ${store:-graph driver $(DOCKER_HOST=$sock docker info --format '{{.Driver}}')}"
