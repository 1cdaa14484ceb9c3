#!/usr/bin/env bash
# Builds the FerretDB (MongoDB-compatible, SQLite backend) dev/test server from
# storage/ferretdb into .cache/ferretdb/ferretdb-<hash>, and points
# .cache/ferretdb/ferretdb at it. Skips the build when that hashed binary exists.
# See storage/ferretdb/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/storage/ferretdb"
out_dir="$root/.cache/ferretdb"
tags="ferretdb_no_postgresql"

if ! command -v go >/dev/null 2>&1; then
  echo "build-ferretdb: 'go' not found on PATH: install Go >= 1.24 (https://go.dev/dl/; Debian 12's golang-go is too old), or set MONGODB_URI to an existing MongoDB server" >&2
  exit 1
fi

hash="$(
  {
    cat "$src/main.go" "$src/go.mod" "$src/go.sum"
    go version
    echo "tags=$tags"
  } | sha256sum | cut -c1-16
)"
bin="$out_dir/ferretdb-$hash"

mkdir -p "$out_dir"

# Points .cache/ferretdb/ferretdb at the current build, atomically (others may be starting it).
link() {
  if [[ "$(readlink "$out_dir/ferretdb" 2>/dev/null)" != "ferretdb-$hash" ]]; then
    ln -sfn "ferretdb-$hash" "$out_dir/.link-$$"
    mv -Tf "$out_dir/.link-$$" "$out_dir/ferretdb"
  fi
}

if [[ -x "$bin" ]]; then
  link
  echo "build-ferretdb: up to date: .cache/ferretdb/ferretdb-$hash"
  exit 0
fi

start=$SECONDS
tmp="$(mktemp "$out_dir/.build-XXXXXX")"
trap 'rm -f "$tmp"' EXIT

(
  cd "$src"
  CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -buildvcs=false -tags "$tags" -o "$tmp" .
)
chmod 755 "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT

link
# Keep only the current build (each binary is ~30 MB).
find "$out_dir" -maxdepth 1 -type f -name 'ferretdb-*' ! -name "ferretdb-$hash" -delete

echo "build-ferretdb: built .cache/ferretdb/ferretdb-$hash in $((SECONDS - start))s"
