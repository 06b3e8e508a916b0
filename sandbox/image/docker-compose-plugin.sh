#!/bin/sh
# `docker compose ...` in the sandbox: a Docker CLI plugin (installed as cli-plugins/docker-compose)
# in front of Debian's docker-compose 1.29, so both spellings the course uses work. The CLI asks a
# plugin for its metadata first, then runs it as `docker-compose compose ARGS...`.
# The image build writes the installed version into the metadata (asking Python on every call is slow).
if [ "$1" = docker-cli-plugin-metadata ]; then
  printf '{"SchemaVersion":"0.1.0","Vendor":"kubelab","Version":"%s","ShortDescription":"Docker Compose (docker-compose %s)","URL":"https://docs.docker.com/compose/"}\n' '@COMPOSE_VERSION@' '@COMPOSE_VERSION@'
  exit 0
fi
[ "$1" = compose ] && shift
exec /usr/bin/docker-compose "$@"
