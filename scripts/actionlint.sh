#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/) with actionlint at a pinned version (part
# of `npm run lint`). actionlint comes from the Go module proxy, installed once into the cache
# (IMS_CALLBACK_CACHE, default ~/.cache/pulumi-alicloud-ims-callback/actionlint-<version>/bin): about
# a minute the first time, a few milliseconds after. It also runs shellcheck on the workflows' `run:`
# scripts when shellcheck is on PATH.
set -euo pipefail

version=1.7.12
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${IMS_CALLBACK_CACHE:-$HOME/.cache/pulumi-alicloud-ims-callback}/actionlint-$version/bin"

if [[ ! -x "$cache/actionlint" ]]; then
  if ! command -v go >/dev/null; then
    echo "actionlint.sh: Go is needed once to install actionlint v$version (go install from the Go module proxy)" >&2
    exit 1
  fi
  echo "actionlint.sh: installing actionlint v$version into $cache" >&2
  GOBIN="$cache" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@v$version"
fi

cd "$root"
exec "$cache/actionlint" -no-color
