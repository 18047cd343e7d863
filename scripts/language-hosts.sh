#!/usr/bin/env bash
# Provides the Go, Python, YAML, Java and .NET language hosts beside the pinned Pulumi CLI (the
# directory scripts/pulumi-cli.sh prints), and prints that root directory on its last stdout line.
#
#   pulumi-language-go      runs `runtime: go` programs and generates Go SDKs (`pulumi package gen-sdk`)
#   pulumi-language-python  runs `runtime: python` programs (with `pulumi-language-python-exec`, the
#                           program runner written beside it here; the program's virtual environment
#                           needs the `pulumi` package from PyPI) and generates Python SDKs
#   pulumi-language-yaml    runs `runtime: yaml` programs
#   pulumi-language-java    runs `runtime: java` programs (Maven and a JDK on PATH) and generates Java SDKs
#   pulumi-language-dotnet  generates C# SDKs (running a C# program needs the .NET SDK, not on the
#                           build machines)
#
# Each host is, in this order: the one on PATH at the pinned version, the one already in the cache, or
# built into the cache: Go and Python from ../shared/tools/pulumi-language-{go,python} (the Go module
# proxy refuses their modules; override the tools folder with IMS_CALLBACK_TOOLS), YAML with
# `go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_VERSION`, Java and .NET in
# a wrapper module of the cache that requires the host's module at its release (pulumi-java's
# `github.com/pulumi/pulumi-java/pkg` v$JAVA_HOST_VERSION, pulumi-dotnet's
# `github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3` v$DOTNET_HOST_VERSION; `go install`
# refuses both for their `replace` lines). Those releases do not compile against the CLI's engine
# modules (pkg/v3 v3.248.0 removed APIs they use), so each is built against the engine version its own
# go.mod names (v3.228.0 and v3.219.1-0.20260208071218-1bd84f1343e1): a second compile of the engine's
# packages, minutes the first time. The hosts talk to the CLI over gRPC only, where those versions agree.
# The cache holds copies only (built binaries, or links to binaries on PATH like pulumi-cli.sh's).
#
# Usage: scripts/language-hosts.sh [go] [python] [yaml] [java] [dotnet]  (no argument: go python yaml)
# Progress goes to stderr; stdout carries only the root directory, so callers can do
#   PULUMI_ROOT="$(scripts/language-hosts.sh)"
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"
YAML_VERSION="${YAML_VERSION:-1.25.0}"
JAVA_HOST_VERSION="${JAVA_HOST_VERSION:-1.22.0}"
DOTNET_HOST_VERSION="${DOTNET_HOST_VERSION:-3.100.0}"
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
    java) echo "$JAVA_HOST_VERSION" ;;
    dotnet) echo "$DOTNET_HOST_VERSION" ;;
    *) echo "$PULUMI_VERSION" ;;
  esac
}

# The module each host is built from, for the hosts whose version is read from the binary's build
# information.
module_of() {
  case "$1" in
    yaml) echo "github.com/pulumi/pulumi-yaml" ;;
    java) echo "github.com/pulumi/pulumi-java/pkg" ;;
    dotnet) echo "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3" ;;
  esac
}

# The YAML, Java and .NET hosts have no -version flag: their module's version is read from the binary's
# build information (with no Go toolchain to read it, any such host is taken).
reported_version() {
  local language="${1##*/pulumi-language-}"
  case "$language" in
    yaml | java | dotnet)
      if command -v go >/dev/null 2>&1; then
        go version -m "$1" 2>/dev/null |
          awk -v m="$(module_of "$language")" '($1 == "mod" || $1 == "dep") && $2 == m { print $3 }' |
          tr -d 'v'
      else
        version_of "$language"
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
    java)
      build_in_wrapper_module "$language" "$JAVA_HOST_VERSION" \
        "github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java" \
        "github.com/pulumi/pulumi-java/pkg/version.Version" "$staging"
      ;;
    dotnet)
      build_in_wrapper_module "$language" "$DOTNET_HOST_VERSION" \
        "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3" \
        "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3/version.Version" "$staging"
      ;;
    *)
      log "unknown language '$language' (go, python, yaml, java or dotnet)"
      return 1
      ;;
  esac
  mv -f "$staging/pulumi-language-$language" "$out"
}

# Builds a host published as a Go module whose go.mod carries `replace` lines in a wrapper module of the
# cache: the host's module at its release (its engine modules at the versions it names) and the
# non-local replaces of its go.mod.
build_in_wrapper_module() {
  local language="$1" version="$2" package="$3" version_var="$4" staging="$5"
  local work="$CACHE_ROOT/build-language-$language-$version"
  mkdir -p "$work"
  (
    cd "$work"
    export GOFLAGS=
    [[ -f go.mod ]] || go mod init "example.invalid/pulumi-language-$language-build" >&2 2>/dev/null
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >tools.go
    go mod edit \
      -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e \
      -replace github.com/Sirupsen/logrus=github.com/sirupsen/logrus@v1.8.3 \
      -replace github.com/gogo/protobuf=github.com/gogo/protobuf@v1.3.2
    go get "$(module_of "$language")@v$version" >&2
    go mod tidy >&2
    CGO_ENABLED=0 go build -trimpath -ldflags "-X $version_var=$version" \
      -o "$staging/pulumi-language-$language" "$package" >&2
  )
}

# The Python host runs a program through `pulumi-language-python-exec` beside it, with the program's
# virtual environment's python (and refuses to start without it, even for SDK generation). A Pulumi CLI
# release download ships Pulumi's own; the build from source has none, so this script writes one: it
# parses the host's arguments, configures the `pulumi` package of the program's environment (the engine
# and resource monitor addresses, the configuration from the environment) and runs the program in a
# stack. Rewritten when its marker line changes (older caches hold a stand-in that only refused).
PYTHON_EXEC_MARKER="# pulumi-alicloud-ims-callback python runner 1"
install_python_exec() {
  local target="$bin/pulumi-language-python-exec"
  if [[ -f "$target" ]] && grep -qxF "$PYTHON_EXEC_MARKER" "$target"; then return 0; fi
  {
    echo '#!/usr/bin/env python3'
    echo "$PYTHON_EXEC_MARKER"
    cat <<'PY'
# Written by pulumi-alicloud-ims-callback's scripts/language-hosts.sh beside pulumi-language-python:
# runs one Pulumi Python program for the language host, in the program's virtual environment.
import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(traceback.format_exc(), file=sys.stderr)
    print(
        "The Pulumi Python SDK is not installed in the program's environment: "
        "pip install pulumi (in the virtual environment Pulumi.yaml names).",
        file=sys.stderr,
    )
    sys.exit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description="Runs a Pulumi Python program")
    for name in ("project", "stack", "parallel", "dry_run", "pwd", "monitor", "engine",
                 "tracing", "organization", "root_directory"):
        parser.add_argument(f"--{name}")
    parser.add_argument("PROGRAM")
    parser.add_argument("ARGS", nargs="*")
    args = parser.parse_args()

    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            project=args.project,
            stack=args.stack,
            monitor=args.monitor,
            engine=args.engine,
            parallel=int(args.parallel) if args.parallel else None,
            dry_run=args.dry_run == "true",
            organization=args.organization,
            root_directory=args.root_directory,
        )
    )
    sys.argv = [args.PROGRAM] + args.ARGS
    if args.pwd:
        os.chdir(args.pwd)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # Unresolved futures of a failed program are expected; asyncio's complaints about them are noise.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    succeeded = False
    try:
        loop.run_until_complete(
            pulumi.runtime.run_in_stack(lambda: runpy.run_path(args.PROGRAM, run_name="__main__"))
        )
        succeeded = True
    except pulumi.RunError as error:
        pulumi.log.error(str(error))
    except Exception:
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
PY
  } >"$target.tmp.$$"
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
  [[ "$language" != python ]] || install_python_exec
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
