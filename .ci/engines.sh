# Docker Engine 29 and containerd 2 for the integration tests, built from the
# Go module proxy (Debian ships Docker 20.10 and containerd 1.6).
# Source this file, then:
#   engines_build DIR       go install dockerd, containerd and the runc shim into DIR
#   engines_start STATE     start containerd 2 and two dockerd 29 on it, all state in STATE
#   engines_stop [STATUS]   stop them (dockerds first), unmount under STATE; tails logs if STATUS != 0
# engines_start exports
#   NANNA_DOCKER29_HOST          unix:// socket of the dockerd with the containerd image store
#   NANNA_DOCKER29_CLASSIC_HOST  unix:// socket of the dockerd with the classic (overlay2) store
#   NANNA_CONTAINERD_ADDRESS     containerd's socket path (namespace moby holds the first dockerd's images)
# Needs: go, runc (Debian's 1.1.5 is enough: time namespaces are switched off), the docker CLI.

# The versions go together: moby v2.0.0-beta.24's go.mod requires containerd v2.3.5.
# moby's releases/versions.yaml at that tag says the last release was 29.8.0.
ENGINES_MOBY_VERSION=${ENGINES_MOBY_VERSION:-v2.0.0-beta.24}
ENGINES_DOCKER_VERSION=${ENGINES_DOCKER_VERSION:-29.8.1-dev+moby-v2.0.0-beta.24}
ENGINES_CONTAINERD_VERSION=${ENGINES_CONTAINERD_VERSION:-v2.3.5}

_engines_bin=
_engines_state=
_engines_containerd_pid=
_engines_dockerd_pids=()

# _engines_has BIN MODULE VERSION: BIN exists and was built from MODULE@VERSION.
_engines_has() {
  [ -x "$1" ] && go version -m "$1" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+$2[[:space:]]+$3([[:space:]]|$)"
}

# engines_build DIR: go install dockerd and containerd (+ shim) into DIR,
# skipping binaries DIR already holds at the same version.
engines_build() {
  local dir=${1:?usage: engines_build DIR}
  mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || return 1
  _engines_bin=$dir
  local moby=github.com/moby/moby/v2 ctrd=github.com/containerd/containerd/v2
  if ! _engines_has "$dir/dockerd" "$moby" "$ENGINES_MOBY_VERSION"; then
    echo "==> go install dockerd $ENGINES_MOBY_VERSION (Docker $ENGINES_DOCKER_VERSION)"
    # The exclude tags drop the btrfs and zfs graph drivers (overlay2 and the
    # containerd snapshotters are all the tests use).
    GOBIN=$dir CGO_ENABLED=0 go install \
      -tags 'exclude_graphdriver_btrfs exclude_graphdriver_zfs' \
      -ldflags "-X $moby/dockerversion.Version=$ENGINES_DOCKER_VERSION -X $moby/dockerversion.GitCommit=$ENGINES_MOBY_VERSION" \
      "$moby/cmd/dockerd@$ENGINES_MOBY_VERSION" || { echo "go install dockerd failed" >&2; return 1; }
  fi
  if ! _engines_has "$dir/containerd" "$ctrd" "$ENGINES_CONTAINERD_VERSION" ||
    ! _engines_has "$dir/containerd-shim-runc-v2" "$ctrd" "$ENGINES_CONTAINERD_VERSION"; then
    echo "==> go install containerd $ENGINES_CONTAINERD_VERSION"
    GOBIN=$dir CGO_ENABLED=0 go install \
      -tags 'no_btrfs no_devmapper no_zfs no_cri' \
      -ldflags "-X $ctrd/version.Version=$ENGINES_CONTAINERD_VERSION" \
      "$ctrd/cmd/containerd@$ENGINES_CONTAINERD_VERSION" \
      "$ctrd/cmd/containerd-shim-runc-v2@$ENGINES_CONTAINERD_VERSION" ||
      { echo "go install containerd failed" >&2; return 1; }
  fi
}

# _engines_wait_docker HOST PID LOG: wait until the dockerd (PID) answers on HOST.
_engines_wait_docker() {
  local i
  for i in $(seq 1 120); do
    docker -H "$1" version >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "dockerd ($1) exited; log tail:" >&2; tail -30 "$3" >&2; return 1; }
    sleep 0.5
  done
  echo "dockerd ($1) did not answer in 60 s; log tail:" >&2
  tail -30 "$3" >&2
  return 1
}

# _engines_dockerd NAME JSON [ARGS...]: start a dockerd on containerd with a
# private data-root, exec-root, pidfile, config file and socket under STATE/NAME.
_engines_dockerd() {
  local name=$1 json=$2 d=$_engines_state/$1
  shift 2
  mkdir -p "$d" || return 1
  printf '%s\n' "$json" >"$d/daemon.json"
  "$_engines_bin/dockerd" --host "unix://$d/docker.sock" --containerd "$_engines_state/containerd/containerd.sock" \
    --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/docker.pid" --config-file "$d/daemon.json" \
    --iptables=false --ip6tables=false --bridge=none "$@" >"$d/dockerd.log" 2>&1 &
  _engines_dockerd_pids+=($!)
  _engines_wait_docker "unix://$d/docker.sock" $! "$d/dockerd.log"
}

# _engines_describe HOST: one line: version, API, storage driver and driver-type.
_engines_describe() {
  local v t
  v=$(docker -H "$1" version --format 'Docker Engine {{.Server.Version}} (API {{.Server.APIVersion}})') || return 1
  t=$(docker -H "$1" info --format '{{.Driver}}{{range .DriverStatus}}{{if eq (index . 0) "driver-type"}} ({{index . 1}}){{end}}{{end}}') || return 1
  echo "$v, storage $t, on $1"
}

# engines_start STATE [BINDIR]: start containerd 2 and two dockerd 29 on it.
# BINDIR defaults to the last engines_build DIR. STATE must be short: the shim
# sockets live in STATE/s, which containerd limits to 42 characters.
engines_start() {
  local state=${1:?usage: engines_start STATE [BINDIR]} bin=${2:-$_engines_bin}
  [ -n "$bin" ] || { echo "engines_start: no BINDIR and no engines_build before" >&2; return 1; }
  state=$(realpath -m "$state") && bin=$(cd "$bin" && pwd) || return 1
  [ ${#state} -le 40 ] || { echo "engines_start: STATE $state is longer than 40 characters (shim socket limit)" >&2; return 1; }
  mkdir -p "$state" || return 1
  _engines_state=$state
  _engines_bin=$bin
  local c=$state/containerd
  mkdir -p "$c" "$state/s" || return 1
  # Version-3 config: nothing under /var/lib, /run/containerd or /opt; no CRI;
  # no NRI (its socket, /var/run/nri/nri.sock, would collide with other containerds).
  cat >"$c/config.toml" <<EOF
version = 3
root = "$c/root"
state = "$c/state"
temp = "$c/tmp"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime", "io.containerd.podsandbox.controller.v1.podsandbox", "io.containerd.nri.v1.nri"]

[grpc]
  address = "$c/containerd.sock"

[ttrpc]
  address = "$c/containerd.sock.ttrpc"

[debug]
  address = "$c/debug.sock"

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"

[plugins."io.containerd.shim.v1.manager"]
  socket_dir = "$state/s"
EOF
  echo "==> starting containerd $("$bin/containerd" --version | awk '{print $3}') on $c/containerd.sock"
  PATH="$bin:$PATH" "$bin/containerd" --config "$c/config.toml" >"$c/containerd.log" 2>&1 &
  _engines_containerd_pid=$!
  local i
  for i in $(seq 1 60); do
    [ -S "$c/containerd.sock" ] && break
    kill -0 "$_engines_containerd_pid" 2>/dev/null || { echo "containerd exited; log tail:" >&2; grep -v 'level=info' "$c/containerd.log" | tail -30 >&2; return 1; }
    sleep 0.5
  done
  [ -S "$c/containerd.sock" ] || { echo "containerd did not listen in 30 s; log tail:" >&2; grep -v 'level=info' "$c/containerd.log" | tail -30 >&2; return 1; }
  export NANNA_CONTAINERD_ADDRESS=$c/containerd.sock

  # Docker 29 puts containers in a time namespace, which runc learned in 1.2;
  # the feature flag keeps Debian's runc 1.1.5 working.
  echo "==> starting dockerd (containerd image store) and dockerd (classic store)"
  _engines_dockerd docker29 '{"features": {"time-namespaces": false}}' || return 1
  export NANNA_DOCKER29_HOST=unix://$state/docker29/docker.sock
  _engines_dockerd classic '{"features": {"time-namespaces": false, "containerd-snapshotter": false}}' \
    --containerd-namespace moby-classic --containerd-plugins-namespace plugins.moby-classic || return 1
  export NANNA_DOCKER29_CLASSIC_HOST=unix://$state/classic/docker.sock
  _engines_describe "$NANNA_DOCKER29_HOST" && _engines_describe "$NANNA_DOCKER29_CLASSIC_HOST"
}

# _engines_kill PID: TERM, wait up to 30 s, then KILL.
_engines_kill() {
  kill "$1" 2>/dev/null || return 0
  local i
  for i in $(seq 1 60); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.5
  done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# engines_stop [STATUS]: stop the dockerds, the shims of this containerd and
# containerd; unmount what is left under STATE. Safe after a partial start and
# when called twice. With a STATUS other than 0 it shows the logs' tails first.
engines_stop() {
  local status=${1:-0} state=$_engines_state pid ppid f
  [ -n "$state" ] || return 0
  if [ "$status" -ne 0 ]; then
    for f in "$state/docker29/dockerd.log" "$state/classic/dockerd.log" "$state/containerd/containerd.log"; do
      if [ -f "$f" ]; then echo "--- $f (tail, without level=info)"; grep -v 'level=info' "$f" | tail -30; fi
    done
  fi
  for pid in "${_engines_dockerd_pids[@]}"; do _engines_kill "$pid"; done
  _engines_dockerd_pids=()
  # dockerd stops its containers on the way out; after a dockerd was killed,
  # stop what is left: each task's init process, then its shim (its parent),
  # which would otherwise outlive containerd.
  for f in "$state"/containerd/state/io.containerd.runtime.v2.task/*/*/init.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    ppid=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')
    kill -9 "$pid" 2>/dev/null || true
    if [ -n "$ppid" ] && [ "$(cat "/proc/$ppid/comm" 2>/dev/null)" = containerd-shim ]; then _engines_kill "$ppid"; fi
  done
  if [ -n "$_engines_containerd_pid" ]; then _engines_kill "$_engines_containerd_pid"; fi
  _engines_containerd_pid=
  grep -o " $state/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  unset NANNA_DOCKER29_HOST NANNA_DOCKER29_CLASSIC_HOST NANNA_CONTAINERD_ADDRESS
  _engines_state=
}
