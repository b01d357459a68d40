#!/usr/bin/env python3
"""Show that every exclusion test of tests/exclusions can fail (issue: rules engine, item 4).

For each test: copy the project to a scratch folder, break the rule the test guards
(one textual mutation of a model or seed), build the scenario suite's main landing set
(every scenario with the default vars) and print the test's failure. A mutation that
does NOT make its test fail is reported as such and the script exits non-zero.
Not part of CI (about 30 s per mutation); run by hand:

    python scripts/audit/prove_exclusion_tests_fail.py [name ...]
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests_python"))
import scenario_dbt  # noqa: E402
import scenario_files  # noqa: E402
import scenario_landing  # noqa: E402

STATUSES = "models/intermediate/eligibility/int_transfer_eligibility_statuses.sql"
# name -> (test, file, old text, new text)
MUTATIONS = {
    "belgian": ("assert_no_transfer_of_belgians", STATUSES,
                "when is_belgian_on_due_date then", "when false then"),
    "population_register": ("assert_no_transfer_with_population_register_permit", STATUSES,
                            "when has_population_register_permit_on_due_date then", "when false then"),
    "held": ("assert_no_transfer_of_persons_held_for_data_quality", STATUSES,
             "when is_held_for_data_quality then", "when false then"),
    "deferred": ("assert_deferred_flow_never_transfers_unless_enabled", STATUSES,
                 "when not is_applied then", "when false then"),
    "never_counted": ("assert_never_counted_benefit_types_are_not_counted", "seeds/rules/rule_flow_benefit_types.csv",
                      "C1,LEEFLOON,2014-05-08,\n", "C1,LEEFLOON,2014-05-08,\nC1,LEEFLOON_EMPLOYMENT,2014-05-08,\n"),
    "unreimbursed": ("assert_unreimbursed_aid_is_never_counted", "models/intermediate/aid/int_reimbursed_decision_months.sql",
                     "where net_amount_eur > 0", "where net_amount_eur > -1000000"),
    "due_after_as_of": ("assert_transfer_due_on_not_after_as_of_date", "models/marts/restricted/fct_transfer_eligibility.sql",
                        "        transfer_due_on,\n", "        {{ add_days('transfer_due_on', 400) }} as transfer_due_on,\n"),
    "met_outside_episode": ("assert_criterion_met_on_inside_its_episode", "models/marts/restricted/fct_transfer_eligibility.sql",
                            "        criterion_met_on,\n", "        {{ add_days('episode_start', -1) }} as criterion_met_on,\n"),
    "non_qualifying_permit": ("assert_transfer_only_with_qualifying_permit",
                              "models/intermediate/residence/int_residence_episodes.sql",
                              "where population_register_permits.permit_id is null", "where true"),
}


def main(names: list[str]) -> int:
    suite = scenario_files.load_suite()
    key, scenarios = max(suite.groups().items(), key=lambda item: len(item[1]))
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        landing = Path(scratch) / "landing"
        landing.mkdir()
        scenario_landing.write_landing_files(landing, scenarios)
        for name in names or MUTATIONS:
            test, file, old, new = MUTATIONS[name]
            project = Path(scratch) / name
            shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".venv", "target", "logs", "warehouse", "data", ".git"))
            text = (project / file).read_text()
            assert old in text, f"{name}: mutation anchor not found in {file}"
            (project / file).write_text(text.replace(old, new, 1))
            env = scenario_dbt.dbt_env(Path(scratch) / f"{name}_work")
            env.update(DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(Path(scratch) / f"{name}.duckdb"),
                       DBT_PROFILES_DIR=str(project))
            result = subprocess.run(
                scenario_dbt.dbt_executable() + [
                    "build", "--project-dir", str(project), "--profiles-dir", str(project),
                    "--select", "resource_type:seed", "resource_type:model", test,
                    "--indirect-selection", "empty", "--vars", json.dumps(key.dbt_vars()), "--no-use-colors"],
                cwd=project, env=env, capture_output=True, text=True)
            lines = [line for line in result.stdout.splitlines() if test in line or "Got " in line]
            failed = result.returncode != 0 and any("FAIL" in line for line in lines)
            print(f"=== {name}: broke {file} ({old.strip()!r} -> {new.strip()!r})")
            print("\n".join(lines[-4:]) if lines else result.stdout[-2000:])
            if not failed:
                failures += 1
                print(f"!!! {test} did NOT fail when its rule was broken")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
