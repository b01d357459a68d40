"""Audience by folder (issue 17): who may read a published model is declared once, by the
folder it sits in (`models/*/dashboard/` or `models/*/restricted/`, dbt_project.yml). The
tag, the grant and the dashboard's allowlist follow from it:

- a model placed in `models/marts/dashboard/` (or `restricted/`) of a copy of the project,
  with no other file changed, gets the tag and the reader role's grant (parsed for the
  PostgreSQL target, the one with GRANT; `dbt parse` opens no connection, and the port
  points nowhere to be sure), and the dashboard allows it;
- every published model (schemas `marts`, `exports`) sits in exactly one audience folder
  and carries exactly that audience's tag, so a mart cannot be published to nobody or to
  the wrong readers;
- the dashboard's allowlist (dashboard/warehouse.py) is the manifest's dashboard-tagged
  models, and none of them is restricted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dbt_compile import REPO_ROOT, copy_project, dbt_env

DASHBOARD_DIR = REPO_ROOT / "dashboard"
if str(DASHBOARD_DIR) not in sys.path:
    sys.path.insert(0, str(DASHBOARD_DIR))

import warehouse  # noqa: E402  (dashboard/warehouse.py, found through the path above)

AUDIENCES = {"dashboard": "bi_reader", "restricted": "transfer_officer"}
PROBES = {"dashboard": "models/marts/dashboard/fct_audience_probe.sql",
          "restricted": "models/reporting/restricted/rpt_audience_probe.sql"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    """The manifest of a copy of the project with one probe model dropped in each audience
    folder (a SQL file, nothing else), parsed for the PostgreSQL target."""
    project = copy_project(tmp_path_factory.mktemp("audience_project"))
    for path in PROBES.values():
        (project / path).write_text("select 1 as probe_value\n")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", "parse", "--target-path", "target"],
        cwd=project, capture_output=True, text=True,
        env=dbt_env(DBT_TARGET="postgres", DBT_PROFILES_DIR=str(project), DVZ_PG_HOST="127.0.0.1",
                    DVZ_PG_PORT="1", DVZ_PERSON_KEY_SALT="audience-test-salt"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return json.loads((project / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> list[dict]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def _audience_folders(node: dict) -> list[str]:
    return [folder for folder in AUDIENCES if folder in Path(node["original_file_path"]).parts[1:-1]]


@pytest.mark.parametrize("audience", sorted(PROBES))
def test_a_model_dropped_in_an_audience_folder_gets_its_tag_and_grant(manifest, audience):
    path = PROBES[audience]
    (probe,) = [node for node in _models(manifest) if node["original_file_path"] == path]
    assert audience in probe["tags"] and set(probe["tags"]) & set(AUDIENCES) == {audience}
    assert probe["config"]["grants"] == {"select": [AUDIENCES[audience]]}
    assert probe["schema"] == "marts"
    # The privacy guard (RULES.md §8) runs on it like on every published model.
    assert any("assert_audience_columns" in hook["sql"] for hook in probe["config"]["post-hook"])


def test_every_published_model_sits_in_one_audience_folder_with_its_tag_and_grant(manifest):
    published = [node for node in _models(manifest) if node["schema"] in ("marts", "exports")]
    assert len(published) > 20
    for node in published:
        folders = _audience_folders(node)
        assert len(folders) == 1, f"{node['original_file_path']}: not in exactly one of {sorted(AUDIENCES)}/"
        assert set(node["tags"]) & set(AUDIENCES) == set(folders), node["original_file_path"]
        assert node["config"]["grants"] == {"select": [AUDIENCES[folders[0]]]}, node["original_file_path"]
    unpublished = [node for node in _models(manifest) if node not in published]
    assert unpublished and not any(_audience_folders(node) or set(node["tags"]) & set(AUDIENCES)
                                   for node in unpublished)


def test_the_contract_outputs_keep_their_audience(manifest):
    tags = {node["name"]: set(node["tags"]) for node in _models(manifest)}
    for name in ("fct_transfer_eligibility", "dim_person_keys", "rpt_quarantined_rows", "dvz_transfer_batch",
                 "dvz_transfer_corrections"):
        assert "restricted" in tags[name] and "dashboard" not in tags[name], name
    for name in ("fct_person_transfer_status", "fct_person_benefit_durations", "rpt_landing_reconciliation"):
        assert "dashboard" in tags[name] and "restricted" not in tags[name], name
    assert {"dvz_delivery", "restricted"} <= tags["dvz_transfer_batch"]


def test_the_dashboard_allowlist_is_the_manifests_dashboard_models(manifest, tmp_path, monkeypatch):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    monkeypatch.setenv("DVZ_DBT_MANIFEST", str(path))
    tagged = {f"{node['schema']}.{node['name']}" for node in _models(manifest) if "dashboard" in node["tags"]}
    in_folder = {f"{node['schema']}.{node['name']}" for node in _models(manifest)
                 if _audience_folders(node) == ["dashboard"]}
    assert warehouse.allowed_relations() == tagged == in_folder
    assert "marts.fct_audience_probe" in warehouse.allowed_relations()
    assert "marts.rpt_audience_probe" not in warehouse.allowed_relations()
    warehouse.check_sql("select * from marts.fct_audience_probe")
    with pytest.raises(warehouse.UnsafeQuery):
        warehouse.check_sql("select * from marts.rpt_audience_probe")


def test_the_dashboard_exposure_depends_only_on_dashboard_models(manifest):
    """The exposure lists what the dashboard reads (lineage), which must be dashboard models."""
    (exposure,) = [item for item in manifest["exposures"].values() if item["name"] == "bi_dashboard"]
    models = {node["unique_id"]: node for node in _models(manifest)}
    read = [models[unique_id] for unique_id in exposure["depends_on"]["nodes"]]
    assert read and all("dashboard" in node["tags"] for node in read), [node["name"] for node in read]
