#!/usr/bin/env bash
# Installs the Debian packages kubelab needs that a fresh Debian 12 machine lacks
# (headless chromium for browser tests; Docker engine, debootstrap and a registry for Docker sandboxes),
# and starts dockerd in the background when there is no systemd. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
[ -x /usr/bin/docker-registry ] || packages+=(docker-registry)
command -v ip >/dev/null 2>&1 || packages+=(iproute2)
command -v iptables >/dev/null 2>&1 || packages+=(iptables)

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-system-deps: need root to install: ${packages[*]}" >&2
    exit 1
  fi
  echo "install-system-deps: installing ${packages[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [ "$(id -u)" -eq 0 ] && command -v dockerd >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
  mkdir -p /var/log/kubelab
  echo "install-system-deps: starting dockerd"
  nohup dockerd >/var/log/kubelab/dockerd.log 2>&1 &
  for _ in $(seq 1 50); do
    docker info >/dev/null 2>&1 && break
    sleep 0.2
  done
  docker info >/dev/null 2>&1 || echo "install-system-deps: dockerd did not come up (see /var/log/kubelab/dockerd.log); Docker sandboxes will be unavailable" >&2
fi
