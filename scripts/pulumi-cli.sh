#!/usr/bin/env bash
# Provides the Pulumi CLI, the Node language host and the dynamic-provider launcher at the pinned
# version, and prints the directory that holds them (<root>/bin/...) on its last stdout line.
#
#   1. If `pulumi` on PATH is already the pinned version, use its directory.
#   2. Else, if the cache already holds a build, reuse it.
#   3. Else build both Go programs from Go modules into the cache (outside the repository).
#
# Progress goes to stderr; stdout carries only the root directory, so callers can do
#   PULUMI_ROOT="$(scripts/pulumi-cli.sh)"
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
# The Node language host has no tags; this is the commit tagged v3.248.0 in pulumi/pulumi.
LANGUAGE_HOST_COMMIT="a88168d865b7"
CACHE_ROOT="${IMS_CALLBACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-ims-callback}"
ROOT="$CACHE_ROOT/pulumi-cli-$PULUMI_VERSION"
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

link_launcher() {
  # The dynamic-provider launcher ships inside the @pulumi/pulumi npm package.
  local launcher="$PROJECT_DIR/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [[ ! -x "$launcher" ]]; then
    log "missing $launcher: run 'npm ci' first"
    return 1
  fi
  ln -sf "$launcher" "$1/pulumi-resource-pulumi-nodejs"
}

# 1. A matching CLI already on PATH.
if command -v pulumi >/dev/null 2>&1; then
  onpath="$(pulumi version 2>/dev/null || true)"
  if [[ "$onpath" == "v$PULUMI_VERSION" ]] && command -v pulumi-language-nodejs >/dev/null 2>&1; then
    bin="$(dirname "$(command -v pulumi)")"
    log "using pulumi $onpath from $bin"
    mkdir -p "$ROOT/bin"
    ln -sf "$bin/pulumi" "$ROOT/bin/pulumi"
    ln -sf "$(command -v pulumi-language-nodejs)" "$ROOT/bin/pulumi-language-nodejs"
    link_launcher "$ROOT/bin" || exit 1
    echo "$ROOT"
    exit 0
  fi
fi

# One build at a time (parallel test workers, demo and bench may all ask at once).
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# 2. A cached build.
if [[ -x "$ROOT/bin/pulumi" ]] \
  && [[ "$("$ROOT/bin/pulumi" version 2>/dev/null)" == "v$PULUMI_VERSION" ]]; then
  link_launcher "$ROOT/bin" || exit 1
  log "using cached pulumi v$PULUMI_VERSION in $ROOT/bin"
  echo "$ROOT"
  exit 0
fi

# 3. Build from Go modules.
if ! command -v go >/dev/null 2>&1; then
  log "no pulumi v$PULUMI_VERSION on PATH and no Go toolchain to build it."
  log "Install the CLI (https://www.pulumi.com/docs/iac/download-install/) at exactly v$PULUMI_VERSION,"
  log "with pulumi-language-nodejs beside it, or install Go >= 1.24 and run this script again."
  exit 1
fi

started=$(date +%s)
work="$CACHE_ROOT/build-$PULUMI_VERSION"
mkdir -p "$work" "$ROOT/bin"
log "building pulumi v$PULUMI_VERSION from Go modules in $work (first time only; several minutes)"
cd "$work"
if [[ ! -f go.mod ]]; then
  go mod init example.invalid/pulumi-cli-build >&2
fi
cat > tools.go <<GO
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
log "resolving modules (go get)"
go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
go mod tidy >&2
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
log "compiling pulumi (the engine and CLI)"
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$ROOT/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
# The Node language host runs project directories (`pulumi up` beside a Pulumi.yaml) and policy
# packs. The Go module proxy refuses its module, so it is built from the source kept in
# ../shared/tools/pulumi-language-nodejs (override with IMS_CALLBACK_TOOLS).
build_language_host "$ROOT/bin"
link_launcher "$ROOT/bin" || true
log "built in $(( $(date +%s) - started )) s: $("$ROOT/bin/pulumi" version)"
echo "$ROOT"
