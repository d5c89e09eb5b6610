#!/usr/bin/env bash
# Print the path of a working Python 3.13 interpreter, or explain how to get one.
#
# `python3.13` on PATH may be a pyenv shim that exists but cannot run, so every candidate
# is actually started before it is chosen.
set -euo pipefail

works() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' \
        >/dev/null 2>&1
}

candidates=()
if [[ -n "${PYTHON:-}" ]]; then
    candidates+=("$PYTHON")
fi
candidates+=(python3.13)
for path in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 \
            /root/.pyenv/versions/3.13*/bin/python3.13 \
            /usr/local/bin/python3.13 /usr/bin/python3.13 python3; do
    candidates+=("$path")
done

for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 && works "$candidate"; then
        command -v "$candidate"
        exit 0
    fi
done

cat >&2 <<'MSG'
error: Python 3.13 was not found.
  Tried: $PYTHON, python3.13 on PATH, ~/.pyenv/versions/3.13*/bin/python3.13,
         /usr/local/bin/python3.13, /usr/bin/python3.13 and python3.
  Install Python 3.13 (for example `pyenv install 3.13`), or point to it:
      make run PYTHON=/path/to/python3.13
MSG
exit 1
