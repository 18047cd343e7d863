#!/usr/bin/env bash
# Provides the Pulumi CLI, the Node.js language host and the dynamic-provider launcher at the pinned
# version, and prints the directory that holds them (<root>/bin/...) on its last stdout line.
#
#   1. If `pulumi` on PATH is already the pinned version (with pulumi-language-nodejs), use it.
#   2. Else, if the cache already holds a build, reuse it.
#   3. Else build what is missing into the cache (outside the repository): the CLI from Go modules,
#      the language host from ../shared/tools/pulumi-language-nodejs (the Go module proxy refuses
#      its module; override the tools folder with IMS_CALLBACK_TOOLS).
#
# The cache is shared by every checkout on the machine: it holds only copies, never links into a
# checkout, so deleting one checkout breaks no other.
#
# Progress goes to stderr; stdout carries only the root directory, so callers can do
#   PULUMI_ROOT="$(scripts/pulumi-cli.sh)"
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
# shellcheck source=scripts/toolchain-paths.sh
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-paths.sh"
ROOT="$CACHE_ROOT/pulumi-cli-$PULUMI_VERSION"

log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

# The dynamic-provider launcher ships inside the @pulumi/pulumi npm package. It is a two-line shell
# script that finds @pulumi/pulumi from the working directory, so a copy works for every checkout.
install_launcher() {
  local launcher="$PROJECT_DIR/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [[ ! -f "$launcher" ]]; then
    log "missing $launcher: run 'npm ci' first"
    return 1
  fi
  local target="$1/pulumi-resource-pulumi-nodejs"
  if [[ -L "$target" ]] || ! cmp -s "$launcher" "$target"; then
    rm -f "$target"
    cp "$launcher" "$target.tmp.$$" && chmod 755 "$target.tmp.$$" && mv -f "$target.tmp.$$" "$target"
  fi
}

build_language_host() {
  local out="$1"
  if [[ -x "$out/pulumi-language-nodejs" ]]; then return 0; fi
  if [[ ! -x "$TOOLS_DIR/pulumi-language-nodejs/build.sh" && ! -f "$TOOLS_DIR/pulumi-language-nodejs/build.sh" ]]; then
    log "no language host source at $TOOLS_DIR/pulumi-language-nodejs (set IMS_CALLBACK_TOOLS);"
    log "project directories and policy packs will not run, inline programs still do"
    return 0
  fi
  local started; started=$(date +%s)
  log "building pulumi-language-nodejs v$PULUMI_VERSION from $TOOLS_DIR/pulumi-language-nodejs (about 4 minutes the first time)"
  bash "$TOOLS_DIR/pulumi-language-nodejs/build.sh" "$out" >&2
  log "built pulumi-language-nodejs in $(( $(date +%s) - started )) s"
}

# 1. A matching CLI already on PATH.
if command -v pulumi >/dev/null 2>&1 && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  onpath="$(pulumi version 2>/dev/null || true)"
  if [[ "$onpath" == "v$PULUMI_VERSION" ]]; then
    bin="$(dirname "$(command -v pulumi)")"
    log "using pulumi $onpath from $bin"
    root="$CACHE_ROOT/path-$PULUMI_VERSION"
    mkdir -p "$root/bin"
    ln -sfn "$(command -v pulumi)" "$root/bin/pulumi"
    ln -sfn "$(command -v pulumi-language-nodejs)" "$root/bin/pulumi-language-nodejs"
    install_launcher "$root/bin"
    echo "$root"
    exit 0
  fi
fi

# One build at a time (parallel test workers, demo and bench may all ask at once).
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# 2. and 3. The cached build, completed where something is missing.
if [[ ! -x "$ROOT/bin/pulumi" ]] || [[ "$("$ROOT/bin/pulumi" version 2>/dev/null)" != "v$PULUMI_VERSION" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    log "no pulumi v$PULUMI_VERSION on PATH and no Go toolchain to build it."
    log "Install the CLI (https://www.pulumi.com/docs/iac/download-install/) at exactly v$PULUMI_VERSION,"
    log "with pulumi-language-nodejs beside it, or install Go >= 1.25 and run this script again."
    exit 1
  fi
  started=$(date +%s)
  work="$CACHE_ROOT/build-$PULUMI_VERSION"
  mkdir -p "$work" "$ROOT/bin"
  log "building pulumi v$PULUMI_VERSION from Go modules in $work (first time only; about 7 minutes)"
  cd "$work"
  [[ -f go.mod ]] || go mod init example.invalid/pulumi-cli-build >&2
  cat > tools.go <<GO
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
  log "resolving modules (go get)"
  go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
  go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
  go mod tidy >&2
  log "compiling pulumi (the engine and CLI)"
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$ROOT/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  mv -f "$ROOT/bin/pulumi.tmp" "$ROOT/bin/pulumi"
  log "built pulumi in $(( $(date +%s) - started )) s"
  cd "$PROJECT_DIR"
fi
build_language_host "$ROOT/bin"
install_launcher "$ROOT/bin"
log "using pulumi $("$ROOT/bin/pulumi" version) in $ROOT/bin"
echo "$ROOT"
