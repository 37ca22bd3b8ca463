#!/usr/bin/env bash
# The whole test suite, on Node 20 and Node 24, against real registries, a real
# Docker daemon and a real cache service that the suite starts and stops itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

ensure_apt_packages
ensure_trixie_docker
ensure_node_modules
ensure_node24

echo "== type check" >&2
npx tsc --noEmit
# `npm run lint` is these two: Prettier's check first, its fix being `npm run format`.
echo "== format check" >&2
npm run -s format:check
echo "== lint (ESLint, type-aware)" >&2
npx eslint .

mkdir -p .tmp
status=0
results=()
for node in node "$NODE24"; do
  version="$("$node" --version)"
  echo "== jest on Node $version" >&2
  "$node" --experimental-vm-modules node_modules/jest/bin/jest.js --ci --json --outputFile ".tmp/jest-$version.json" "$@" || status=1
  results+=(".tmp/jest-$version.json")
done

# One closing line over both runs, in the plain form any CI reader understands.
node -e '
  let passed = 0, failed = 0;
  for (const file of process.argv.slice(1)) {
    try { const r = require(require("path").resolve(file)); passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; }
    catch { failed += 1; }
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "${results[@]}"
exit $status
