#!/usr/bin/env bash
# The demo: installs what it needs, seeds a local registry, locks examples/, shows the
# lockfile and the job summary, then stops everything it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

ensure_apt_packages
ensure_node_modules

build="$ROOT/.tmp/demo-build"
trap 'rm -rf "$build"' EXIT
npx tsc -p tsconfig.json --outDir "$build" --noEmit false >/dev/null
echo '{ "type": "module" }' > "$build/package.json"
node "$build/scripts/demo.js"
