#!/usr/bin/env bash
# Provides the Go, Python and YAML language hosts beside the pinned Pulumi CLI (the directory
# scripts/pulumi-cli.sh prints), and prints that root directory on its last stdout line.
#
#   pulumi-language-go      runs `runtime: go` programs and generates Go SDKs (`pulumi package gen-sdk`)
#   pulumi-language-python  generates Python SDKs (running Python programs also needs the `pulumi`
#                           Python package, which no registry reachable from the build machines serves)
#   pulumi-language-yaml    runs `runtime: yaml` programs
#
# Each host is, in this order: the one on PATH at the pinned version, the one already in the cache, or
# built into the cache: Go and Python from ../shared/tools/pulumi-language-{go,python} (the Go module
# proxy refuses their modules; override the tools folder with IMS_CALLBACK_TOOLS), YAML with
# `go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_VERSION`.
# The cache holds copies only (built binaries, or links to binaries on PATH like pulumi-cli.sh's).
#
# Usage: scripts/language-hosts.sh [go] [python] [yaml]     (no argument: all three)
# Progress goes to stderr; stdout carries only the root directory, so callers can do
#   PULUMI_ROOT="$(scripts/language-hosts.sh)"
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
YAML_VERSION="${YAML_VERSION:-1.25.0}"
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/toolchain-paths.sh
source "$here/toolchain-paths.sh"

log() { printf '[language-hosts] %s\n' "$*" >&2; }

wanted=("$@")
[[ ${#wanted[@]} -gt 0 ]] || wanted=(go python yaml)

root="$(bash "$here/pulumi-cli.sh")"
bin="$root/bin"

# The pinned version of each host (YAML's host has releases of its own).
version_of() {
  case "$1" in
    yaml) echo "$YAML_VERSION" ;;
    *) echo "$PULUMI_VERSION" ;;
  esac
}

# The YAML host has no -version flag: its module version is read from the binary's build information
# (with no Go toolchain to read it, any YAML host is taken).
reported_version() {
  case "$(basename "$1")" in
    pulumi-language-yaml)
      if command -v go >/dev/null 2>&1; then
        go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3 }' | tr -d 'v'
      else
        echo "$YAML_VERSION"
      fi
      ;;
    *) "$1" -version 2>/dev/null | tr -d 'v[:space:]' ;;
  esac
}

is_wanted_version() {
  [[ -x "$1" ]] && [[ "$(reported_version "$1")" == "$2" ]]
}

build_host() {
  local language="$1" out="$2" staging="$3"
  case "$language" in
    go | python)
      local source="$TOOLS_DIR/pulumi-language-$language"
      if [[ ! -f "$source/build.sh" ]]; then
        log "no source at $source (set IMS_CALLBACK_TOOLS)"
        return 1
      fi
      bash "$source/build.sh" "$staging" >&2
      ;;
    yaml)
      # GOFLAGS from the environment could turn on -mod=vendor or similar; the install needs none.
      GOFLAGS= GOBIN="$staging" CGO_ENABLED=0 go install -trimpath \
        -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
        "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_VERSION" >&2
      ;;
    *)
      log "unknown language '$language' (go, python or yaml)"
      return 1
      ;;
  esac
  mv -f "$staging/pulumi-language-$language" "$out"
}

# The Python host refuses to start without its program runner `pulumi-language-python-exec` beside it,
# even for SDK generation. Pulumi's runner needs the `pulumi` Python package, which cannot be installed
# here, so this stand-in takes its place and says so if a Python program is ever run.
install_python_exec_stand_in() {
  local target="$bin/pulumi-language-python-exec"
  if [[ -e "$target" ]]; then return 0; fi
  cat >"$target.tmp.$$" <<'SH'
#!/bin/sh
# Stand-in written by pulumi-alicloud-ims-callback's scripts/language-hosts.sh: this Python language
# host serves SDK generation only. Running a Python program needs Pulumi's own runner and the `pulumi`
# Python package (a Pulumi CLI release download ships both).
echo "pulumi-language-python-exec: running Python programs is not supported by this build (SDK generation only)" >&2
exit 1
SH
  chmod 755 "$target.tmp.$$" && mv -f "$target.tmp.$$" "$target"
}

# One build at a time (the test workers, the SDK generator and the bench may all ask at once).
exec 8>"$CACHE_ROOT/.lock-languages"
if command -v flock >/dev/null 2>&1; then
  if ! flock -n 8; then
    log "another process is building language hosts; waiting for it"
    flock 8
  fi
fi

for language in "${wanted[@]}"; do
  name="pulumi-language-$language"
  target="$bin/$name"
  version="$(version_of "$language")"
  if onpath="$(command -v "$name" 2>/dev/null)" && [[ "$onpath" != "$target" ]] &&
    is_wanted_version "$onpath" "$version"; then
    ln -sfn "$onpath" "$target"
    log "using $onpath"
    continue
  fi
  [[ "$language" != python ]] || install_python_exec_stand_in
  if is_wanted_version "$target" "$version"; then continue; fi
  if ! command -v go >/dev/null 2>&1; then
    log "no $name v$version on PATH or in $bin, and no Go toolchain to build it."
    log "Put the host from a Pulumi CLI download beside pulumi, or install Go >= 1.25 and run this again."
    exit 1
  fi
  started=$(date +%s)
  staging="$(mktemp -d "$bin/.build-$language.XXXXXX")"
  log "building $name v$version (seconds once the CLI's Go modules are built; minutes from cold caches)"
  if ! build_host "$language" "$target" "$staging"; then
    rm -rf "$staging"
    exit 1
  fi
  rm -rf "$staging"
  log "built $name in $(($(date +%s) - started)) s"
done
log "language hosts ${wanted[*]} in $bin"
echo "$root"
