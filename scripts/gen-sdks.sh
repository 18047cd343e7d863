#!/usr/bin/env bash
# Generates the Go and Python SDKs of the provider plugin from schema.json into OUT_DIR/{go,python}
# with `pulumi package gen-sdk --version <package.json version>`, using the pinned CLI and the language
# hosts from scripts/language-hosts.sh (built into the cache the first time).
#
#   OUT_DIR/go       a Go module (go.mod written here, `go mod tidy` against the Go module proxy) whose
#                    package sits at the schema's `language.go.importBasePath`; a program uses it with a
#                    `replace <module> => <OUT_DIR/go>` line in its go.mod
#   OUT_DIR/python   a Python package (pyproject.toml); byte-compiles, but installing it needs the
#                    `pulumi` Python package, which no registry reachable from the build machines serves
#
# No .NET or Java SDK: their language hosts are served by the Go module proxy only at releases built on
# Pulumi v3.254+ (a second full compile of the engine's packages, about 10 minutes each on 2 cores), and
# neither SDK could be compiled here (no .NET SDK; NuGet and Maven are unreachable).
#
# The SDKs are build output, not sources: nothing generated is committed (test/sdk/generatedSdks.test.ts
# generates them and checks that they compile).
#
# Usage: scripts/gen-sdks.sh OUT_DIR     (npm run sdk: OUT_DIR=sdk, ignored by git)
#   IMS_CALLBACK_SCHEMA  another schema file (default: schema.json at the repository root)
#   SDK_LANGUAGES        space-separated languages (default: "go python")
# Progress goes to stderr; stdout carries OUT_DIR's absolute path on its last line.
set -euo pipefail

out="${1:?usage: scripts/gen-sdks.sh OUT_DIR}"
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/toolchain-paths.sh
source "$here/toolchain-paths.sh"
schema="${IMS_CALLBACK_SCHEMA:-$PROJECT_DIR/schema.json}"
read -r -a languages <<<"${SDK_LANGUAGES:-go python}"
# The Go SDK's own dependency: the Pulumi Go SDK at the CLI's version.
PULUMI_VERSION="${PULUMI_VERSION:-3.248.0}"

log() { printf '[gen-sdks] %s\n' "$*" >&2; }

if [[ ! -f "$schema" ]]; then
  log "no schema at $schema (npm run schema writes it)"
  exit 1
fi
version="$(node -p "require('$PROJECT_DIR/package.json').version")"
root="$(bash "$here/language-hosts.sh" "${languages[@]}")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export PATH="$root/bin:$PATH" PULUMI_HOME="$home" PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

# Reads one string from the schema (a dotted path); empty when it is not set.
schema_field() {
  node -e '
    const value = process.argv[2].split(".").reduce((o, k) => (o == null ? o : o[k]),
      JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")));
    process.stdout.write(value == null ? "" : String(value));' "$schema" "$1"
}

# Each generated package carries a pulumi-plugin.json naming the plugin version it asks for. Without
# `language.<lang>.respectSchemaVersion` in the schema the generators ignore --version and leave it out,
# and a Go program then asks for plugin v0.0.0.
check_plugin_version() {
  local file stamped=""
  file="$(find "$out/$1" -name pulumi-plugin.json -print -quit)"
  if [[ -n "$file" ]]; then stamped="$(node -p "require('$file').version ?? ''")"; fi
  if [[ "$stamped" != "$version" ]]; then
    log "the $1 SDK asks for plugin version '$stamped', not $version: set language.$1.respectSchemaVersion in the schema"
    exit 1
  fi
}

for language in "${languages[@]}"; do
  rm -rf "${out:?}/$language"
  log "pulumi package gen-sdk $(basename "$schema") --language $language --version $version"
  pulumi package gen-sdk "$schema" --language "$language" --version "$version" --out "$out" >&2
  check_plugin_version "$language"
  case "$language" in
    go)
      import_base="$(schema_field language.go.importBasePath)"
      if [[ -z "$import_base" ]]; then
        log "the schema has no language.go.importBasePath"
        exit 1
      fi
      (
        cd "$out/go"
        go mod init "${import_base%/*}" >/dev/null 2>&1
        # The oldest Go the Pulumi SDK takes (tidy raises it to what the dependencies need), not this machine's.
        go mod edit -go=1.22
        go mod edit -require "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
        GOFLAGS=-mod=mod go mod tidy >&2
      )
      ;;
  esac
  log "wrote $out/$language"
done
echo "$out"
