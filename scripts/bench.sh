#!/usr/bin/env bash
# Runs one benchmark: bash scripts/bench.sh <name>   (discover, resolve, verify, update, pull: bench/<name>.ts)
# Installs what is missing, rebuilds dist/ when src/ is newer (benchmarks measure the
# bundled CLI users run), compiles bench/ and test/env/ to .tmp/bench-build and runs it.
# Results go to stdout, progress to stderr. The benchmark bounds its own run time and
# cleans up after itself; `timeout` is the backstop should Node itself hang.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

name="${1:-}"
if [ -z "$name" ] || [ ! -f "bench/$name.ts" ]; then
  echo "usage: bash scripts/bench.sh <name>   (runs bench/<name>.ts: resolve, verify, update, pull)" >&2
  exit 2
fi

# The pull benchmark's shaped link (bench/shaped-link.ts) needs ip and tc. Both daemons
# inflate gzip layers with unpigz when it is on their PATH (Go's gzip otherwise): pigz
# gives `docker pull` and `docker load` their best case.
APT_PACKAGES+=(iproute2 pigz)
APT_COMMANDS+=(ip tc unpigz)
ensure_apt_packages
ensure_trixie_docker
ensure_node_modules

# Rebuild the bundle when it is missing or any source is newer than it.
if [ ! -f dist/cli/index.js ] || [ -n "$(find src package-lock.json -newer dist/cli/index.js -type f -print -quit)" ]; then
  echo "== building dist/ (src/ changed)" >&2
  node scripts/bundle.mjs
fi

echo "== compiling bench/ and test/env/" >&2
# No clean first: another benchmark may be running from this folder right now.
npx tsc -p bench/tsconfig.json

# The benchmark's own limit (BENCH_TIMEOUT_S; 600 s, the pull benchmark's 900 s) fires
# first and cleans up; this one only catches a process too stuck to do so.
limit=$(( ${BENCH_TIMEOUT_S:-900} + 60 ))
echo "== bench $name" >&2
exec timeout --kill-after=10 "$limit" node ".tmp/bench-build/bench/$name.js"
