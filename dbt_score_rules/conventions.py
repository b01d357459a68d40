"""DAG and coverage conventions (dbt-project-evaluator's, as dbt-score rules, issue 17).

Every rule takes `exceptions`: model name -> the reason it may break the rule, written in
pyproject.toml, so each deviation is argued where it is allowed.
"""

from pathlib import PurePosixPath

from dbt_score import Model, RuleViolation, rule

PUBLISHED_LAYERS = ("marts", "reporting", "exports")


def _layer(model) -> str | None:
    """The first folder under models/ (staging, intermediate, marts, ...)."""
    parts = PurePosixPath(getattr(model, "original_file_path", "") or "").parts
    return parts[1] if len(parts) > 2 and parts[0] == "models" else None  # noqa: PLR2004


def _source_system(model) -> str | None:
    """For a staging model, the folder of its source system (models/staging/<system>/)."""
    parts = PurePosixPath(model.original_file_path).parts
    return parts[2] if _layer(model) == "staging" and len(parts) > 3 else None  # noqa: PLR2004


def _excused(model: Model, exceptions: dict[str, str]) -> bool:
    return model.name in (exceptions or {})


@rule
def model_has_a_data_test(model: Model, exceptions: dict[str, str] | None = None) -> RuleViolation | None:
    """Every model is tested: at least one data test on the model or one of its columns."""
    if _excused(model, exceptions) or model.tests or any(column.tests for column in model.columns):
        return None
    return RuleViolation(message="no data test on the model or its columns")


@rule
def staging_reads_only_its_own_source_system(
        model: Model, exceptions: dict[str, str] | None = None) -> RuleViolation | None:
    """A staging model reads sources and staging models of its own source system only."""
    system = _source_system(model)
    if system is None or _excused(model, exceptions):
        return None
    others = sorted(parent.name for parent in model.parents
                    if isinstance(parent, Model) and _layer(parent) == "staging" and _source_system(parent) != system)
    if others:
        return RuleViolation(message=f"staging of another source system read: {', '.join(others)}")
    return None


@rule
def no_rejoin_of_upstream_concepts(model: Model, exceptions: dict[str, str] | None = None) -> RuleViolation | None:
    """No model reads a node both directly and through a parent that has no other child
    (that parent belongs inside this model, or this model should read it alone)."""
    if _excused(model, exceptions):
        return None
    direct = {parent.unique_id for parent in model.parents}
    rejoined = sorted(
        f"{grandparent.name} (through {parent.name})"
        for parent in model.parents if isinstance(parent, Model) and len(parent.children) == 1
        for grandparent in parent.parents if grandparent.unique_id in direct)
    if rejoined:
        return RuleViolation(message=f"rejoins {', '.join(rejoined)}")
    return None


@rule
def published_models_are_read_only_by_published_models(
        model: Model, exceptions: dict[str, str] | None = None) -> RuleViolation | None:
    """A published model (marts, reporting, exports) is read only by published models and
    exposures, never by staging or intermediate models."""
    if _layer(model) not in PUBLISHED_LAYERS or _excused(model, exceptions):
        return None
    readers = sorted(child.name for child in model.children
                     if isinstance(child, Model) and _layer(child) not in PUBLISHED_LAYERS)
    if readers:
        return RuleViolation(message=f"read by unpublished model(s): {', '.join(readers)}")
    return None


@rule
def model_sql_is_not_too_long(model: Model, max_lines: int = 200,
                              exceptions: dict[str, str] | None = None) -> RuleViolation | None:
    """A model's SQL fits in `max_lines` lines: one concept per model (STYLE.md)."""
    lines = len(model.raw_code.split("\n"))
    if lines > max_lines and not _excused(model, exceptions):
        return RuleViolation(message=f"{lines} lines (> {max_lines}): split it or argue an exception")
    return None
