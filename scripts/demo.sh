#!/usr/bin/env bash
# The demo: installs what it needs, then the whole job on a copy of examples/ (see
# scripts/demo.ts): lock, a failing verify, pin, pull cold and warm into a private Docker
# daemon, the job summary as text and as HTML in .tmp/demo/. Stops everything it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

# What the demo starts: the registry and Docker from Debian's packages, and the BuildKit
# client the private daemon is given, which comes with trixie's Docker (scripts/setup.sh).
ensure_apt_packages
ensure_trixie_docker
ensure_node_modules

build="$ROOT/.tmp/demo-build"
trap 'rm -rf "$build"' EXIT
npx tsc -p tsconfig.json --outDir "$build" --noEmit false >/dev/null
echo '{ "type": "module" }' > "$build/package.json"
node "$build/scripts/demo.js"
