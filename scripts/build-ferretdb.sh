#!/usr/bin/env bash
# Builds the FerretDB (MongoDB-compatible, SQLite backend) dev/test server from
# storage/ferretdb into .cache/ferretdb/ferretdb-<hash>, and points
# .cache/ferretdb/ferretdb at it. Skips the build when that hashed binary exists.
# FerretDB v1.24.2 is patched at build time (storage/ferretdb/patch): the patched copy of the
# module lives in .cache/ferretdb/module-<hash> and the build reads it through `-modfile`.
#
#   scripts/build-ferretdb.sh          build (or nothing when up to date)
#   scripts/build-ferretdb.sh --test   run the wrapper's Go tests against the patched module
# See storage/ferretdb/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/storage/ferretdb"
out_dir="$root/.cache/ferretdb"
tags="ferretdb_no_postgresql"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly

if ! command -v go >/dev/null 2>&1; then
  echo "build-ferretdb: 'go' not found on PATH: install Go >= 1.24 (https://go.dev/dl/; Debian 12's golang-go is too old), or set MONGODB_URI to an existing MongoDB server" >&2
  exit 1
fi

# Everything the binary is made of: the wrapper's Go files (with the patch and the file it adds
# to FerretDB), the module files (they pin FerretDB and every dependency), Go and the tags.
hash="$(
  cd "$src"
  {
    find . -name '*.go' ! -name '*_test.go' -print | LC_ALL=C sort | while read -r file; do
      echo "== $file"
      cat "$file"
    done
    cat go.mod go.sum
    go version
    echo "tags=$tags"
  } | sha256sum | cut -c1-16
)"
bin="$out_dir/ferretdb-$hash"
module="$out_dir/module-$hash"

mkdir -p "$out_dir"

# Writes the patched FerretDB module and its go.mod once per hash (atomically: see patch/main.go).
patched_module() {
  if [[ ! -f "$module/go.mod" ]]; then
    (
      cd "$src"
      go mod download github.com/FerretDB/FerretDB
      go run ./patch -ferretdb "$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)" -out "$module"
    )
  fi
}

case "${1:-}" in
  --test)
    patched_module
    cd "$src"
    exec go test -modfile "$module/go.mod" -count=1 -trimpath -buildvcs=false -tags "$tags" . ./patch
    ;;
  "") ;;
  *)
    echo "usage: scripts/build-ferretdb.sh [--test]" >&2
    exit 2
    ;;
esac

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
patched_module
tmp="$(mktemp "$out_dir/.build-XXXXXX")"
trap 'rm -f "$tmp"' EXIT

(
  cd "$src"
  go build -modfile "$module/go.mod" -trimpath -buildvcs=false -tags "$tags" -o "$tmp" .
)
chmod 755 "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT

link
# Keep only the current build (each binary is ~30 MB, each patched module 3.4 MB).
find "$out_dir" -maxdepth 1 -type f -name 'ferretdb-*' ! -name "ferretdb-$hash" -delete
find "$out_dir" -maxdepth 1 -type d -name 'module-*' ! -name "module-$hash" ! -name '*.tmp-*' -exec rm -rf {} +

echo "build-ferretdb: built .cache/ferretdb/ferretdb-$hash in $((SECONDS - start))s"
