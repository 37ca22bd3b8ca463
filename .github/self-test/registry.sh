# Sourced by self-test.yml's steps: images pushed to the job's registry service, and what
# the registry itself says about them, to check the action's outputs against.
REGISTRY=localhost:5000
ACCEPT=(
  -H 'Accept: application/vnd.oci.image.index.v1+json'
  -H 'Accept: application/vnd.oci.image.manifest.v1+json'
  -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json'
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'
)

# Builds a one-layer image holding $2, pushes it as $1, and keeps no copy in the runner's
# daemon: what is there later, the action loaded.
push_image() {
  local context
  context="$(mktemp -d)"
  printf '%s\n' "$2" >"$context/content"
  printf 'FROM scratch\nCOPY content /content\n' >"$context/Dockerfile"
  docker build -q -t "$1" "$context" >/dev/null
  docker push -q "$1" >/dev/null
  docker image rm "$1" >/dev/null
  rm -rf "$context"
}

# The digest the tag of $1 (localhost:5000/REPO:TAG) points to: the registry's Docker-Content-Digest.
tag_digest() {
  local path="${1#"$REGISTRY"/}"
  curl -fsSI "${ACCEPT[@]}" "http://$REGISTRY/v2/${path%:*}/manifests/${path##*:}" |
    tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }'
}

# The config digest of manifest $2 in the repository of $1: the image ID the classic store gives it.
config_digest() {
  local path="${1#"$REGISTRY"/}"
  curl -fsS "${ACCEPT[@]}" "http://$REGISTRY/v2/${path%:*}/manifests/$2" | jq -r .config.digest
}

# Fails the step with a message when $2 is not $3.
expect() {
  if [ "$2" != "$3" ]; then
    echo "::error::$1: expected '$3', got '$2'"
    exit 1
  fi
  echo "ok: $1 = $3"
}
