"""Labels derived from the vars they describe (issue 17): the progress bands of
`fct_threshold_progress` are named after the share vars (`share_band_label`), in the model
and in the tests that check its values, and the dashboard reads the bands from the data
instead of naming the default shares. Compiled on the in-memory lint target: no build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dbt_compile import REPO_ROOT, compile_inline, dbt_env

DASHBOARD_DIR = REPO_ROOT / "dashboard"
if str(DASHBOARD_DIR) not in sys.path:
    sys.path.insert(0, str(DASHBOARD_DIR))

import warehouse  # noqa: E402  (dashboard/warehouse.py, found through the path above)

SHARES = {"threshold_pipeline_upper_share": 0.8, "threshold_pipeline_lower_share": 0.125}


def test_a_band_label_names_its_share_in_per_cent():
    sql = ("{{ share_band_label('at_least', 'threshold_pipeline_upper_share') }} "
           "{{ share_band_label('below', 'threshold_pipeline_lower_share') }}")
    assert compile_inline(sql) == "at_least_75_pct below_50_pct"  # the defaults
    assert compile_inline(sql, {"threshold_pipeline_upper_share": 0.125, "threshold_pipeline_lower_share": 0.07}) \
        == "at_least_12_5_pct below_7_pct"


@pytest.fixture(scope="module")
def compiled_with_other_shares(tmp_path_factory) -> str:
    """The model and its tests compiled with shares other than the defaults."""
    target = tmp_path_factory.mktemp("labels_target")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "--quiet", "--no-use-colors", "compile",
         "--select", "fct_threshold_progress", "--vars", json.dumps(SHARES), "--target-path", str(target)],
        cwd=REPO_ROOT, env=dbt_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    files = sorted((target / "compiled").rglob("*.sql"))
    assert len(files) > 1, files  # the model and its tests
    lines = "\n".join(path.read_text() for path in files).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--"))  # not the comments


def test_the_model_and_its_tests_name_the_bands_after_the_vars(compiled_with_other_shares):
    for label in ("at_least_80_pct", "at_least_12_5_pct", "below_12_5_pct"):
        assert f"'{label}'" in compiled_with_other_shares
    for default in ("at_least_75_pct", "at_least_50_pct", "below_50_pct"):
        assert default not in compiled_with_other_shares


def test_the_dashboard_reads_the_band_texts_from_the_labels():
    assert warehouse.band_texts(["threshold_met", "at_least_75_pct", "below_50_pct", "at_least_50_pct"]) == {
        "below_50_pct": "below 50 %", "at_least_50_pct": "50–75 %", "at_least_75_pct": "75–100 %",
        "threshold_met": "threshold met"}
    assert list(warehouse.band_texts(["at_least_80_pct", "below_12_5_pct", "at_least_12_5_pct"]).values()) == [
        "below 12.5 %", "12.5–80 %", "80–100 %"]
