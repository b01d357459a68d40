"""The project's own dbt-score rules: the conventions of dbt-project-evaluator that fit
this project, checked on dbt's manifest by `dbt-score lint` (scripts/test.sh, blocking).
Configured, with each argued exception, in pyproject.toml ([tool.dbt-score])."""
