#!/usr/bin/env bash
# Create the virtual environment if it is missing (or not Python 3.13), and install the
# development lock into it only when a lock is newer than the last install, so that repeated
# `make` runs start at once.
#
# requirements.lock pins what the application runs on (the Docker image installs only it);
# requirements-dev.lock pins the same runtime packages and the test and lint tools beside
# them. Both are compiled from pyproject.toml (see the first lines of each).
#
# Usage: scripts/ensure_venv.sh [VENV_DIR]   (default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${1:-.venv}"
stamp="$venv/.requirements.stamp"
lock="requirements-dev.lock"
runtime_lock="requirements.lock"

if ! "$venv/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' \
        >/dev/null 2>&1; then
    python="$(scripts/find_python.sh)"
    if [[ -e "$venv" ]]; then
        echo "The environment in $venv does not run Python 3.13; recreating it." >&2
        rm -rf "$venv"
    fi
    echo "Creating $venv with $python"
    "$python" -m venv "$venv"
fi

if [[ ! -f "$stamp" || "$lock" -nt "$stamp" || "$runtime_lock" -nt "$stamp" ]]; then
    echo "Installing $lock into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$lock"
    touch "$stamp"
fi
