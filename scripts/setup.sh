# Sourced by the test, demo and bench scripts: installs what they need on a fresh
# machine (Debian packages with apt-get, npm packages with npm) and nothing twice.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE24_PREFIX="$ROOT/.tools/node24"

# The real parts the tests talk to: a registry, a Docker daemon with its containerd,
# skopeo to cross-check, htpasswd and openssl for the auth set-ups.
APT_PACKAGES=(docker-registry docker.io skopeo apache2-utils openssl curl)
APT_COMMANDS=(docker-registry dockerd skopeo htpasswd openssl curl ctr)

ensure_apt_packages() {
  local missing=()
  for command in "${APT_COMMANDS[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages (missing: ${missing[*]})" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
  for command in "${APT_COMMANDS[@]}"; do
    command -v "$command" >/dev/null 2>&1 || { echo "error: $command is still missing after apt-get install" >&2; exit 1; }
  done
}

ensure_node_modules() {
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    echo "installing npm packages" >&2
    # `npm ci`: exactly what package-lock.json records, and the lockfile left untouched.
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The action runs on node24; the machine may only have Node 20, so the npm package
# `node@24` provides the binary.
ensure_node24() {
  if [ ! -x "$NODE24_PREFIX/node_modules/.bin/node" ]; then
    echo "installing Node 24" >&2
    mkdir -p "$NODE24_PREFIX"
    (cd "$NODE24_PREFIX" && npm install --no-audit --no-fund --loglevel=error --no-save --prefix "$NODE24_PREFIX" node@24 >/dev/null)
  fi
  NODE24="$NODE24_PREFIX/node_modules/.bin/node"
  "$NODE24" --version | grep -q '^v24\.' || { echo "error: $NODE24 is not Node 24" >&2; exit 1; }
}
