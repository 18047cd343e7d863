#!/usr/bin/env bash
# Provides a virtual environment of the pinned Python build and check tools in the cache
# (~/.cache/pulumi-alicloud-ims-callback/python-tools-<pins>) and prints its directory on its last
# stdout line: `build` (the standard build frontend, run on the Python SDK by scripts/package-sdks.sh),
# `setuptools` (the build backend the generated pyproject.toml names) and `mypy` (type-checks Python
# programs against the SDK's type hints). Created once from PyPI, reused by every later run.
#
# Usage: scripts/python-tools.sh      (PYTHON: the interpreter, default python3)
set -euo pipefail

here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/toolchain-paths.sh
source "$here/toolchain-paths.sh"
python="${PYTHON:-python3}"
pins=(build==1.6.1 setuptools==84.2.1 mypy==2.4.1)
venv="$CACHE_ROOT/python-tools-$(printf '%s\n' "${pins[@]}" "$("$python" -c 'import sys; print(sys.version)')" | cksum | cut -d' ' -f1)"

log() { printf '[python-tools] %s\n' "$*" >&2; }

mkdir -p "$CACHE_ROOT"
exec 7>"$CACHE_ROOT/.lock-python-tools"
if command -v flock >/dev/null 2>&1; then flock 7; fi

if [[ ! -x "$venv/bin/python" ]] || [[ ! -f "$venv/.complete" ]]; then
  started=$(date +%s)
  log "creating $venv (${pins[*]}) from PyPI"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}" >&2
  touch "$venv/.complete"
  log "created in $(($(date +%s) - started)) s"
fi
echo "$venv"
