#!/usr/bin/env bash
# Installs the pinned schema packages into DIR (npm ci: exactly package-lock.json), once: a DIR
# whose lock file equals ours is already current. Network only on the first run; npm's cache
# serves later clean builds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:?usage: install.sh DIR}"
command -v npm >/dev/null || { echo "install.sh: npm (Node.js 20+) is needed to validate the chart against the Kubernetes schemas" >&2; exit 1; }
mkdir -p "$dir"
cp "$here/validate.mjs" "$dir/"
if cmp -s "$here/package-lock.json" "$dir/package-lock.json" && [ -d "$dir/node_modules/kubernetes-models" ]; then
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dir/"
# kubernetes-models declares node >= 22; its validators run on Node 20 (verified by these tests).
(cd "$dir" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error --engine-strict=false)
