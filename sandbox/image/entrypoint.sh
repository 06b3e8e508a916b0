#!/bin/bash
# PID 1's child (under tini) in a kubelab sandbox: prepares cgroups, starts the learner's own Docker
# daemon and/or mini-cluster according to KUBELAB_PROFILE, then marks the sandbox ready.
# Start-up time is what a learner waits for after pressing Start, so the daemon and the cluster start
# together (the cluster process loads while dockerd boots and waits for its socket itself) and every
# wait polls cheaply (no docker/kubectl client per poll).
set -u
mkdir -p /run/kubelab /var/log/kubelab
rm -f /run/kubelab/ready /run/kubelab/failed /run/kubelab/cluster-ready
profile="${KUBELAB_PROFILE:-full}"
# Start-up milestones with their time (bash's clock, no process per mark), for slow-start diagnosis.
mark() { echo "$EPOCHREALTIME $*" >> /var/log/kubelab/startup.log; }
: > /var/log/kubelab/startup.log; mark "start (profile $profile)"
fail() { mark "failed: $*"; echo "$*" > /run/kubelab/failed; echo "kubelab sandbox: $*" >&2; exec sleep infinity; }
with_docker=0; with_cluster=0
case "$profile" in
  docker) with_docker=1 ;;
  kubernetes) with_cluster=1 ;;
  full) with_docker=1; with_cluster=1 ;;
esac

# Docker mounts the cgroup hierarchies read-only without --privileged; the inner daemon needs them writable.
# One pass over the mount table instead of probing every directory under /sys/fs/cgroup.
mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
while read -r mnt; do
  mount -o remount,bind,rw "$mnt" 2>/dev/null || true
done < <(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo)

docker_api() { curl -sf --max-time 30 --unix-socket /var/run/docker.sock "$@"; }
# `docker image inspect || docker import`, through the API: two docker CLI starts cost a tenth of a second.
import_pod_holder() {
  docker_api -o /dev/null http://docker/images/kubelab/pod-holder:latest/json && return 0
  local out
  out=$(tar -C / -chf - usr/bin/sleep usr/lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2 | \
    docker_api -X POST -H 'Content-Type: application/x-tar' --data-binary @- \
      'http://docker/images/create?fromSrc=-&repo=kubelab/pod-holder&tag=latest&changes=CMD%20%5B%22%2Fusr%2Fbin%2Fsleep%22%2C%22infinity%22%5D') || return 1
  # The engine reports import errors inside a 200 response's progress stream.
  case "$out" in *'"error"'*) echo "$out" >&2; return 1 ;; esac
  docker_api -o /dev/null http://docker/images/kubelab/pod-holder:latest/json
}
docker_ping() { curl -sf --max-time 1 --unix-socket /var/run/docker.sock http://docker/_ping >/dev/null 2>&1; }

if [ "$with_docker" = 1 ]; then
  mkdir -p /etc/docker
  mirror="${KUBELAB_MIRROR:-}"
  if [ -n "$mirror" ]; then
    printf '{\n  "registry-mirrors": ["http://%s"],\n  "insecure-registries": ["%s"],\n  "storage-driver": "overlay2",\n  "log-level": "warn"\n}\n' "$mirror" "$mirror" > /etc/docker/daemon.json
  else
    printf '{\n  "storage-driver": "overlay2",\n  "log-level": "warn"\n}\n' > /etc/docker/daemon.json
  fi
  # Nothing outside the mirror is reachable: make Docker Hub fail fast (connection refused) instead of
  # waiting for DNS timeouts when a learner pulls a tag the mirror does not have.
  grep -q 'registry-1.docker.io' /etc/hosts || echo '127.0.0.1 registry-1.docker.io auth.docker.io index.docker.io' >> /etc/hosts
  rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
  dockerd >/var/log/kubelab/dockerd.log 2>&1 &
  dockerd_pid=$!
  mark "dockerd started"
fi

if [ "$with_cluster" = 1 ]; then
  [ -x /opt/kubelab/bin/node ] || fail "node is not mounted into this sandbox (/opt/kubelab/bin/node)"
  [ -f /usr/local/lib/kubelab-cluster/cluster-up.js ] || fail "this sandbox image has no mini-cluster bundle (rebuild it: npx kubelab sandbox build)"
  mkdir -p /var/lib/kubelab/cluster /root/.kube
  # With dockerd, learner pods run as real containers on it; the cluster waits for the daemon's socket.
  [ "$with_docker" = 1 ] && export KUBELAB_POD_RUNTIME=docker
  # KUBELAB_CLUSTER_ARGS (the platform's KUBELAB_SANDBOX_CLUSTER_ARGS) is split into words on purpose.
  # A 1 MB young generation keeps an idle cluster near 75 MB instead of 90 (tests/bench/cluster.ts).
  # shellcheck disable=SC2086
  (cd /root && exec /opt/kubelab/bin/node --max-semi-space-size=1 /usr/local/lib/kubelab-cluster/cluster-up.js --ready-file /run/kubelab/cluster-ready ${KUBELAB_CLUSTER_ARGS:-}) \
    >/var/log/kubelab/cluster.log 2>&1 &
  cluster_pid=$!
  mark "cluster started"
fi

if [ "$with_docker" = 1 ]; then
  for _ in $(seq 1 600); do
    docker_ping && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.05
  done
  docker_ping || fail "the Docker daemon did not start (see /var/log/kubelab/dockerd.log)"
  mark "dockerd ready"
  if [ "$with_cluster" = 1 ]; then
    # Pods' network namespaces are held by a tiny image made from this machine's `sleep` (no pause image
    # needed); imported while the cluster starts (a restarted cluster with pods waits for it).
    import_pod_holder &
    holder_pid=$!
  fi
fi

if [ "$with_cluster" = 1 ]; then
  for _ in $(seq 1 1200); do
    [ -s /run/kubelab/cluster-ready ] && break
    kill -0 "$cluster_pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -s /run/kubelab/cluster-ready ] || fail "the Kubernetes mini-cluster did not start (see /var/log/kubelab/cluster.log)"
  mark "cluster ready"
  if [ -n "${holder_pid:-}" ]; then
    wait "$holder_pid" || fail "could not create the pod holder image kubelab/pod-holder (see docker images)"
  fi
fi

mark ready
date +%s > /run/kubelab/ready
exec sleep infinity
