#!/bin/bash
# PID 1's child (under tini) in a kubelab sandbox: prepares cgroups, starts the learner's own Docker
# daemon and/or mini-cluster according to KUBELAB_PROFILE, then marks the sandbox ready.
set -u
mkdir -p /run/kubelab /var/log/kubelab
rm -f /run/kubelab/ready /run/kubelab/failed
profile="${KUBELAB_PROFILE:-full}"
fail() { echo "$*" > /run/kubelab/failed; echo "kubelab sandbox: $*" >&2; exec sleep infinity; }

# Docker mounts the cgroup hierarchies read-only without --privileged; the inner daemon needs them writable.
mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
for h in /sys/fs/cgroup/*; do
  [ -d "$h" ] && mountpoint -q "$h" && mount -o remount,bind,rw "$h" 2>/dev/null || true
done

if [ "$profile" = docker ] || [ "$profile" = full ]; then
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
  for _ in $(seq 1 300); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
  docker info >/dev/null 2>&1 || fail "the Docker daemon did not start (see /var/log/kubelab/dockerd.log)"
fi

if [ "$profile" = kubernetes ] || [ "$profile" = full ]; then
  [ -x /opt/kubelab/bin/node ] || fail "the mini-cluster is not mounted into this sandbox"
  mkdir -p /var/lib/kubelab/cluster /root/.kube
  if [ "$profile" = full ]; then
    export KUBELAB_POD_RUNTIME=docker
    # Pods' network namespaces are held by a tiny image made from this machine's `sleep` (no pause image needed).
    docker image inspect kubelab/pod-holder:latest >/dev/null 2>&1 || \
      tar -C / -chf - usr/bin/sleep usr/lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2 | \
        docker import -c 'CMD ["/usr/bin/sleep","infinity"]' - kubelab/pod-holder:latest >/dev/null
  fi
  (cd /root && exec /opt/kubelab/bin/node /opt/kubelab/app/sandbox/image/cluster-up.js) >/var/log/kubelab/cluster.log 2>&1 &
  for _ in $(seq 1 600); do
    [ -s /root/.kube/config ] && kubectl get --raw /readyz >/dev/null 2>&1 && break
    sleep 0.1
  done
  kubectl get --raw /readyz >/dev/null 2>&1 || fail "the Kubernetes mini-cluster did not start (see /var/log/kubelab/cluster.log)"
fi

date +%s > /run/kubelab/ready
exec sleep infinity
