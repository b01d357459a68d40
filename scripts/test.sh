#!/usr/bin/env bash
# Every test (README command 2): set up, lint the SQL (blocking), then pytest: the
# generator, the insz rule against python-stdnum, the YAML schema check, an end-to-end
# build on adversarial generated data (dbt data tests and unit tests included) and the
# scenario suite. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh" requirements-dev.txt

echo "test: sqlfluff lint (duckdb dialect, dbt templater)"
sqlfluff lint models tests/exclusions macros --processes 2 --disable-progress-bar

echo "test: pytest"
# -n: two workers (DVZ_TEST_WORKERS; 0 runs in this process), each module and the modules
# sharing a fixture on one worker (tests_python/conftest.py).
# --durations: the slowest tests in every CI log, to keep .ci/run within its budget.
python -m pytest tests_python -n "${DVZ_TEST_WORKERS:-2}" --durations=25 "$@"
