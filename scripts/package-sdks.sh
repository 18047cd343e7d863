#!/usr/bin/env bash
# Builds the packages users install from the SDKs scripts/gen-sdks.sh wrote into SDK_DIR:
#
#   SDK_DIR/python/dist/*.whl    the Python SDK's wheel, built by `python -m build --wheel` with the
#                                build backend of its setup.py (setuptools), both pinned in the tools
#                                environment of scripts/python-tools.sh
#   SDK_DIR/java/target/*.jar    the Java SDK's jar, built by Maven (`mvn package`, the pom.xml that
#                                scripts/javaSdkBuild.ts wrote) against com.pulumi:pulumi pinned to the
#                                tested release; Maven's repository is the user's (~/.m2), so the first
#                                build downloads the SDK and the plugins once
#   SDK_DIR/java/repository/     a Maven repository holding that jar and its pom, for programs to use
#                                the SDK before it is published (a <repository> with its file:// URL)
#
# Only the languages whose SDK is in SDK_DIR are built. Nothing here is committed (sdk/ is ignored).
#
# Usage: scripts/package-sdks.sh SDK_DIR     (npm run sdk:package: SDK_DIR=sdk, after npm run sdk)
# Progress goes to stderr; stdout carries SDK_DIR's absolute path on its last line.
set -euo pipefail

sdk="${1:?usage: scripts/package-sdks.sh SDK_DIR}"
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/toolchain-paths.sh
source "$here/toolchain-paths.sh"
sdk="$(cd "$sdk" && pwd)"
# The Pulumi Java SDK the Java SDK is compiled against (the pom's range starts there).
PULUMI_JAVA_VERSION="${PULUMI_JAVA_VERSION:-$(cd "$PROJECT_DIR" &&
  node -r ts-node/register/transpile-only -p "require('./scripts/javaSdkBuild.ts').PULUMI_JAVA_SDK_VERSION")}"

log() { printf '[package-sdks] %s\n' "$*" >&2; }

if [[ -f "$sdk/python/setup.py" || -f "$sdk/python/pyproject.toml" ]]; then
  started=$(date +%s)
  tools="$(bash "$here/python-tools.sh" | tail -n 1)"
  rm -rf "$sdk/python/dist" "$sdk/python/build"
  # No isolation: the pinned setuptools of the tools environment is the backend, not whatever PyPI
  # serves that day.
  (cd "$sdk/python" && "$tools/bin/python" -m build --wheel --no-isolation --outdir dist . >&2)
  rm -rf "$sdk/python/build"
  log "built $(basename "$(ls "$sdk"/python/dist/*.whl)") in $(($(date +%s) - started)) s"
fi

if [[ -f "$sdk/java/pom.xml" ]]; then
  started=$(date +%s)
  if ! command -v mvn >/dev/null 2>&1; then
    log "no Maven (mvn) on PATH to build the Java SDK (Debian: apt-get install maven)"
    exit 1
  fi
  (
    cd "$sdk/java"
    mvn --batch-mode --quiet --no-transfer-progress -Dstyle.color=never -Dpulumi.java.version="$PULUMI_JAVA_VERSION" \
      -DskipTests package >&2
    jar="$(ls target/*.jar)"
    rm -rf repository
    # The pom as written (its range for com.pulumi:pulumi), not the pinned build's.
    mvn --batch-mode --quiet --no-transfer-progress -Dstyle.color=never \
      "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file" \
      -Dfile="$jar" -DpomFile=pom.xml -DlocalRepositoryPath=repository >&2
  )
  log "built $(basename "$(ls "$sdk"/java/target/*.jar)") in $(($(date +%s) - started)) s"
fi
echo "$sdk"
