#!/usr/bin/env bash
# Every test (README command 2): set up, lint the SQL and check the DAG conventions with
# dbt-score (both blocking), then pytest: the
# generator, the insz rule against python-stdnum, the YAML schema check, an end-to-end
# build on adversarial generated data (dbt data tests and unit tests included) and the
# scenario suite. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh" requirements-dev.txt

echo "test: sqlfluff lint (duckdb dialect, dbt templater)"
sqlfluff lint models tests/exclusions macros --processes 2 --disable-progress-bar

echo "test: dbt-score (the DAG and documentation conventions: dbt_score_rules/, pyproject.toml)"
# Blocking: every model, seed and macro must score 10 (an argued exception aside).
score_target="$(mktemp -d)"
trap 'rm -rf "$score_target"' EXIT
DBT_TARGET=lint dbt --quiet parse --target-path "$score_target"
dbt-score lint --manifest "$score_target/manifest.json" --show failing-items

echo "test: pytest"
# -n: two workers (DVZ_TEST_WORKERS; 0 runs in this process), each module and the modules
# sharing a fixture on one worker (tests_python/conftest.py).
# --durations: the slowest tests in every CI log, to keep .ci/run within its budget.
python -m pytest tests_python -n "${DVZ_TEST_WORKERS:-2}" --durations=25 "$@"
