#!/usr/bin/env bash
# Provides the alicloud resource plugin (pulumi-resource-alicloud) at the version @pulumi/alicloud
# asks for, and prints the path of the binary on its last stdout line.
#
#   1. If `pulumi-resource-alicloud` on PATH is that version, use it.
#   2. Else, if the cache already holds a build, reuse it.
#   3. Else build it into the cache (outside the repository) from
#      ../shared/tools/pulumi-resource-alicloud (override the tools folder with IMS_CALLBACK_TOOLS):
#      12-20 minutes and about 6.5 GB of memory on 2 cores, the first time only.
#
# Install it for a stack's engine with
#   pulumi plugin install resource alicloud 3.108.0 --file "$(scripts/alicloud-plugin.sh)"
#
# Progress goes to stderr; stdout carries only the binary's path.
set -euo pipefail

ALICLOUD_VERSION="${ALICLOUD_VERSION:-3.108.0}"
# shellcheck source=scripts/toolchain-paths.sh
source "$(dirname "${BASH_SOURCE[0]}")/toolchain-paths.sh"
ROOT="$CACHE_ROOT/alicloud-$ALICLOUD_VERSION"
BINARY="$ROOT/pulumi-resource-alicloud"

log() { printf '[alicloud-plugin] %s\n' "$*" >&2; }

# `pulumi-resource-alicloud -version` prints the version it was stamped with.
is_wanted_version() {
  [[ -x "$1" ]] && [[ "$("$1" -version 2>/dev/null | tr -d 'v[:space:]')" == "$ALICLOUD_VERSION" ]]
}

# 1. A matching plugin on PATH.
if onpath="$(command -v pulumi-resource-alicloud 2>/dev/null)" && is_wanted_version "$onpath"; then
  log "using $onpath"
  echo "$onpath"
  exit 0
fi

# One build at a time (test workers, the demo and the bench may all ask at once).
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock-alicloud"
if command -v flock >/dev/null 2>&1; then
  if ! flock -n 9; then
    log "another process is building the plugin; waiting for it"
    flock 9
  fi
fi

# 2. The cached build.
if is_wanted_version "$BINARY"; then
  log "using the cached $BINARY"
  echo "$BINARY"
  exit 0
fi

# 3. Build it.
if ! command -v go >/dev/null 2>&1; then
  log "no pulumi-resource-alicloud $ALICLOUD_VERSION on PATH or in $ROOT, and no Go toolchain to build it."
  log "Install the plugin (pulumi plugin install resource alicloud $ALICLOUD_VERSION) where downloads work,"
  log "put its directory on PATH, or install Go >= 1.25 and run this script again."
  exit 1
fi
if [[ ! -f "$TOOLS_DIR/pulumi-resource-alicloud/build.sh" ]]; then
  log "no plugin source at $TOOLS_DIR/pulumi-resource-alicloud (set IMS_CALLBACK_TOOLS)"
  exit 1
fi
started=$(date +%s)
staging="$ROOT.build.$$"
rm -rf "$staging"
log "building pulumi-resource-alicloud $ALICLOUD_VERSION from $TOOLS_DIR/pulumi-resource-alicloud"
log "first time only: 12-20 minutes, about 6.5 GB of memory, about 6 GB of Go caches"
(
  while sleep 60; do log "still building ($(( ($(date +%s) - started) / 60 )) min)"; done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true; rm -rf "$staging"' EXIT
bash "$TOOLS_DIR/pulumi-resource-alicloud/build.sh" "$staging" >&2
mkdir -p "$ROOT"
mv -f "$staging/pulumi-resource-alicloud" "$BINARY"
log "built $BINARY in $(( $(date +%s) - started )) s"
echo "$BINARY"
