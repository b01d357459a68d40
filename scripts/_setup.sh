#!/usr/bin/env bash
# Shared set-up for the README commands: a virtual environment in .venv with the pinned
# requirements, installed again only when a requirements file changed.
# Usage: source scripts/_setup.sh <requirements file>
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="${1:-requirements.txt}"
cd "$repo_root"

python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $($python_bin --version)"
    "$python_bin" -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate

stamp=".venv/.installed-$(basename "$requirements")"
digest="$(cat requirements*.txt | sha256sum | cut -c1-16)"
# requirements-dev.txt includes requirements.txt: a current dev install covers run.sh too.
if [ "$(cat .venv/.installed-requirements-dev.txt 2>/dev/null)" = "$digest" ]; then
    stamp=".venv/.installed-requirements-dev.txt"
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "setup: installing $requirements"
    python -m pip install --quiet --disable-pip-version-check --upgrade pip
    python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$digest" > "$stamp"
fi

# dbt reads profiles.yml from the repository root; no usage statistics leave the machine.
export DBT_PROFILES_DIR="$repo_root"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DO_NOT_TRACK=1
