#!/usr/bin/env bash
# Generates the SDKs of the provider plugin from schema.json into OUT_DIR/<language> with
# `pulumi package gen-sdk --language <language> --version <package.json version>`, using the pinned CLI
# and the language hosts from scripts/language-hosts.sh (built into the cache the first time). Each SDK
# carries the package version, the schema's names, license and plugin download URL (`pluginDownloadURL`).
#
#   OUT_DIR/go       a Go module (go.mod written here, `go mod tidy` against the Go module proxy) whose
#                    package sits at the schema's `language.go.importBasePath`; a program uses it with a
#                    `replace <module> => <OUT_DIR/go>` line in its go.mod
#   OUT_DIR/python   a Python package (pyproject.toml); scripts/package-sdks.sh builds its wheel
#   OUT_DIR/java     Java sources with the generator's build.gradle, and a pom.xml plus the jar's
#                    resources (version.txt, plugin.json) written by scripts/javaSdkBuild.ts;
#                    scripts/package-sdks.sh builds the jar with Maven
#   OUT_DIR/dotnet   C# sources and a .csproj (SDK_LANGUAGES=dotnet, not in the default list): generated
#                    only, since compiling it needs the .NET SDK and NuGet, which the build machines lack
#
# The SDKs are build output, not sources: nothing generated is committed (test/e2e/languagesSdk.test.ts
# generates them; languagesPython.test.ts and languagesJava.test.ts build and install the packages).
#
# Usage: scripts/gen-sdks.sh OUT_DIR     (npm run sdk: OUT_DIR=sdk, ignored by git)
#   IMS_CALLBACK_SCHEMA  another schema file (default: schema.json at the repository root)
#   SDK_LANGUAGES        space-separated languages (default: "go python java")
# Progress goes to stderr; stdout carries OUT_DIR's absolute path on its last line.
set -euo pipefail

out="${1:?usage: scripts/gen-sdks.sh OUT_DIR}"
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/toolchain-paths.sh
source "$here/toolchain-paths.sh"
schema="${IMS_CALLBACK_SCHEMA:-$PROJECT_DIR/schema.json}"
read -r -a languages <<<"${SDK_LANGUAGES:-go python java}"
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
logo_server=""
stop_logo_server() { if [[ -n "$logo_server" ]]; then kill "$logo_server" 2>/dev/null || true; fi; }
trap 'stop_logo_server; rm -rf "$home"' EXIT
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

# The C# generator downloads the schema's logoUrl (or Pulumi's logo when it has none) into the package,
# which the build machines cannot reach: it gets a copy of the schema whose logoUrl is the repository's
# own logo (docs/logo.svg, IMS_CALLBACK_LOGO), served on loopback for the generation only.
schema_with_local_logo() {
  local logo="${IMS_CALLBACK_LOGO:-$PROJECT_DIR/docs/logo.svg}" port_file="$home/logo-port"
  node -e '
    const fs = require("node:fs");
    const server = require("node:http").createServer((request, response) => {
      response.setHeader("content-type", "image/svg+xml");
      response.end(fs.readFileSync(process.argv[1]));
    });
    server.listen(0, "127.0.0.1", () => fs.writeFileSync(process.argv[2], String(server.address().port)));' \
    "$logo" "$port_file" >/dev/null 2>&1 &
  logo_server=$!
  for _ in $(seq 1 100); do [[ -s "$port_file" ]] && break; sleep 0.1; done
  node -e '
    const fs = require("node:fs");
    const schema = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    schema.logoUrl = `http://127.0.0.1:${fs.readFileSync(process.argv[2], "utf8")}/logo.svg`;
    fs.writeFileSync(process.argv[3], JSON.stringify(schema));' "$schema" "$port_file" "$home/schema.json"
  source_schema="$home/schema.json"
}

for language in "${languages[@]}"; do
  rm -rf "${out:?}/$language"
  source_schema="$schema"
  [[ "$language" != dotnet ]] || schema_with_local_logo
  log "pulumi package gen-sdk $(basename "$schema") --language $language --version $version"
  pulumi package gen-sdk "$source_schema" --language "$language" --version "$version" --out "$out" >&2
  # The Java SDK's version is written with its pom (scripts/javaSdkBuild.ts).
  [[ "$language" == java ]] || check_plugin_version "$language"
  case "$language" in
    python)
      # setup.py reads the long description (the PyPI page) from README.md beside it; the generator
      # writes the package's README into the package folder only.
      cp "$(find "$out/python" -mindepth 2 -maxdepth 2 -name README.md -print -quit)" "$out/python/README.md"
      ;;
    java)
      # Maven build and the jar's resources (the generator leaves both to its Gradle build).
      (cd "$PROJECT_DIR" && node -r ts-node/register/transpile-only scripts/javaSdkBuild.ts \
        "$schema" "$out/java" "$version")
      ;;
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
