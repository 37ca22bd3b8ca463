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

# A second Docker for the containerd image store: Debian trixie's docker.io (26.1) and
# containerd (1.7), fetched with apt-get download through a private package list under
# .tools/ and unpacked there. Nothing is installed and no system file is changed; the
# mirror is the one this machine's own apt sources name, with the suite trixie.
TRIXIE_DOCKER_ROOT="$ROOT/.tools/docker-trixie"
TRIXIE_PACKAGES=(docker.io docker-cli docker-buildx containerd)

# The first Debian archive the system's apt sources name (deb822 or one-line form).
system_debian_mirror() {
  local files=() file
  for file in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
    [ -f "$file" ] && files+=("$file")
  done
  [ ${#files[@]} -gt 0 ] || return 1
  { grep -h -E '^URIs:' "${files[@]}" 2>/dev/null | awk '{print $2}'
    grep -h -E '^deb ' "${files[@]}" 2>/dev/null | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}'
  } | grep -E '/debian/?$' | head -1
}

ensure_trixie_docker() {
  [ -x "$TRIXIE_DOCKER_ROOT/usr/sbin/dockerd" ] && [ -x "$TRIXIE_DOCKER_ROOT/usr/bin/docker" ] && [ -x "$TRIXIE_DOCKER_ROOT/usr/bin/containerd" ] && return 0
  local mirror
  mirror="$(system_debian_mirror)" || true
  [ -n "$mirror" ] || { echo "error: no Debian mirror found in the system's apt sources" >&2; exit 1; }
  echo "fetching Debian trixie's ${TRIXIE_PACKAGES[*]} for the containerd image store tests" >&2
  local apt="$ROOT/.tools/apt-trixie"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/sources" "$apt/debs"
  : >"$apt/status"
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" >"$apt/sources/trixie.sources"
  local options=(
    -o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$apt/sources"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache"
    -o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)"
  )
  apt-get -qq "${options[@]}" update >/dev/null
  rm -f "$apt/debs/"*.deb
  (cd "$apt/debs" && apt-get -qq "${options[@]}" download "${TRIXIE_PACKAGES[@]}" >/dev/null)
  rm -rf "$TRIXIE_DOCKER_ROOT"
  mkdir -p "$TRIXIE_DOCKER_ROOT"
  for deb in "$apt/debs/"*.deb; do dpkg-deb -x "$deb" "$TRIXIE_DOCKER_ROOT"; done
  "$TRIXIE_DOCKER_ROOT/usr/sbin/dockerd" --version >&2
  "$TRIXIE_DOCKER_ROOT/usr/bin/containerd" --version >&2
}
