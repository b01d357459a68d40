"""Read-only access to the warehouse for the dashboard pages.

Every query opens its own read-only DuckDB connection and closes it at once, so the
dashboard never holds the file between page loads: `scripts/run.sh` can swap a new build
in (`os.replace`) while the dashboard runs, and readers never block a writer for longer
than one query. Results are cached briefly, keyed by the file's identity (inode, size,
modification time), so a swapped-in build is read on the next page load.

Only the dashboard marts may be named (`allowed_relations`): the models tagged `dashboard` in
dbt's manifest, which are the models of the `dashboard/` folders (dbt_project.yml declares
the audience by folder, issue 17). The restricted models (`restricted/` folders: they carry
the insz) and anything in `staging` or `intermediate` are never read here (RULES.md §8).
`check_sql` refuses any other relation before DuckDB sees the query; without a readable
manifest it refuses every query.

A missing file, a file locked by a writer, a missing table or an unreadable file becomes
a `WarehouseUnavailable` that `read_or_stop` shows as a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = "warehouse/dvz.duckdb"
CACHE_SECONDS = 60

# The only relations the dashboard may read are the models tagged `dashboard` in dbt's
# manifest (DVZ_DBT_MANIFEST, default target/manifest.json: `bash scripts/run.sh` writes it),
# i.e. the models of the dashboard/ folders; never a model also tagged restricted.
DEFAULT_MANIFEST = "target/manifest.json"
AUDIENCE_TAG = "dashboard"

# Small-cell suppression: person counts from 1 to min_cell() - 1 are shown as "<5"
# (DVZ_DASHBOARD_MIN_CELL, default 5; 0 turns it off), in tables and, as labelled grey
# segments, in charts (charts.py). Landing-row counts on the data-quality page count
# records, not persons, and are shown as they are.
DEFAULT_MIN_CELL = 5


def min_cell() -> int:
    value = os.environ.get("DVZ_DASHBOARD_MIN_CELL", "").strip()
    return int(value) if value.isdigit() else DEFAULT_MIN_CELL


_RELATION = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_.]*)(\s*\()?", re.IGNORECASE)
_CTE_NAME = re.compile(r"\b([a-z_][a-z0-9_]*)\s+as\s*\(", re.IGNORECASE)


class UnsafeQuery(ValueError):
    """A query that names a relation the dashboard may not read."""


@dataclass
class WarehouseUnavailable(Exception):
    """The warehouse cannot be read right now; `message` says why in plain words."""

    kind: str  # missing | locked | incomplete | unreadable
    message: str

    def __str__(self) -> str:
        return self.message


def database_path() -> Path:
    """DVZ_DUCKDB_PATH (default warehouse/dvz.duckdb); a relative path is taken from the
    repository root, as scripts/run.sh does."""
    path = Path(os.environ.get("DVZ_DUCKDB_PATH") or DEFAULT_PATH)
    return path if path.is_absolute() else REPO_ROOT / path


def manifest_path() -> Path:
    """DVZ_DBT_MANIFEST (default manifest.json in DBT_TARGET_PATH or target/, where run.sh's
    dbt writes it); a relative path is taken from the repository root."""
    target_path = os.environ.get("DBT_TARGET_PATH")
    path = Path(os.environ.get("DVZ_DBT_MANIFEST") or (f"{target_path}/manifest.json" if target_path
                                                      else DEFAULT_MANIFEST))
    return path if path.is_absolute() else REPO_ROOT / path


@functools.lru_cache(maxsize=8)
def _dashboard_relations(path: str, stamp: tuple) -> frozenset[str]:
    # `stamp` is only part of the cache key: a manifest written again is read again.
    nodes = json.loads(Path(path).read_text(encoding="utf-8"))["nodes"].values()
    return frozenset(
        f"{node['schema']}.{node.get('alias') or node['name']}".lower() for node in nodes
        if node["resource_type"] == "model" and AUDIENCE_TAG in node["tags"] and "restricted" not in node["tags"])


def allowed_relations() -> frozenset[str]:
    """`schema.table` of every model tagged `dashboard` in dbt's manifest."""
    path = manifest_path()
    try:
        return _dashboard_relations(str(path), _file_stamp(path))
    except FileNotFoundError:
        raise WarehouseUnavailable(
            "missing", f"No dbt manifest at `{path}`, so no mart is known to be a dashboard mart: "
            "build with `bash scripts/run.sh` (it writes the manifest), or set DVZ_DBT_MANIFEST.") from None
    except (OSError, ValueError, KeyError) as error:
        raise WarehouseUnavailable(
            "unreadable", f"The dbt manifest `{path}` cannot be read ({error}): no query is allowed.") from None


def referenced_relations(sql: str) -> set[str]:
    """The relations a query reads (after `from` / `join`), lower-cased, CTE names left out."""
    ctes = {name.lower() for name in _CTE_NAME.findall(sql)}
    names = set()
    for name, call in _RELATION.findall(sql):
        if call:
            raise UnsafeQuery(f"table function {name}() is not allowed in dashboard queries")
        if name.lower() not in ctes:
            names.add(name.lower())
    return names


def check_sql(sql: str) -> None:
    """Refuse a query that is not a single select over the allowed marts."""
    statement = sql.strip().rstrip(";")
    if ";" in statement or not re.match(r"(select|with)\b", statement, re.IGNORECASE):
        raise UnsafeQuery("dashboard queries are single select statements")
    refused = sorted(referenced_relations(statement) - allowed_relations())
    if refused:
        raise UnsafeQuery(f"dashboard queries may not read {', '.join(refused)}")


def _file_stamp(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _unavailable(error: duckdb.Error, path: Path) -> WarehouseUnavailable:
    text = str(error)
    first_line = text.splitlines()[0] if text else type(error).__name__
    if "lock" in text.lower():
        return WarehouseUnavailable(
            "locked",
            f"The warehouse `{path}` is locked by another process, most likely a dbt build "
            "writing to it. The dashboard shows the data again as soon as it finishes: reload "
            "this page in a minute. (`bash scripts/run.sh` builds into a new file and swaps it "
            "in, so it never locks the served file.)",
        )
    if isinstance(error, duckdb.CatalogException):
        return WarehouseUnavailable(
            "incomplete",
            f"The warehouse `{path}` lacks a table this page needs ({first_line}). It was "
            "probably built by an older version of the project: rebuild it with "
            "`bash scripts/run.sh`.",
        )
    return WarehouseUnavailable(
        "unreadable", f"The warehouse `{path}` cannot be read: {first_line}"
    )


def _query(path: Path, sql: str, params: tuple) -> pd.DataFrame:
    """One short-lived read-only connection per query, closed before returning. External
    access is off: the connection reads this file and nothing else."""
    if not path.exists():
        building = path.with_name(path.name + ".building")
        hint = ("a build is writing the first one now" if building.exists()
                else "build it with `bash scripts/run.sh`")
        raise WarehouseUnavailable("missing", f"No warehouse at `{path}` yet: {hint}.")
    try:
        with duckdb.connect(str(path), read_only=True,
                            config={"enable_external_access": False}) as con:
            return con.execute(sql, list(params)).df()
    except duckdb.Error as error:
        raise _unavailable(error, path) from None


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _cached_query(path: str, stamp: tuple, sql: str, params: tuple) -> pd.DataFrame:
    # `stamp` is only part of the cache key: a rebuilt file is a new entry.
    return _query(Path(path), sql, params)


def read(sql: str, params: tuple = ()) -> pd.DataFrame:
    """The result of one checked query over the allowed marts (cached for CACHE_SECONDS)."""
    check_sql(sql)
    path = database_path()
    try:
        stamp = _file_stamp(path)
    except FileNotFoundError:
        stamp = (0, 0, 0)
    return _cached_query(str(path), stamp, sql, tuple(params))


def read_or_stop(sql: str, params: tuple = ()) -> pd.DataFrame:
    """`read`, but a warehouse that cannot be read shows a message and ends the page run."""
    try:
        return read(sql, params)
    except WarehouseUnavailable as problem:
        show_problem(problem)
        st.stop()
        raise  # st.stop() raises; this line is never reached


def show_problem(problem: WarehouseUnavailable) -> None:
    if problem.kind in ("missing", "locked"):
        st.warning(problem.message, icon=":material/hourglass_top:")
    else:
        st.error(problem.message, icon=":material/error:")


def built_at() -> str | None:
    """The warehouse file's modification time, for the page footers."""
    try:
        mtime = database_path().stat().st_mtime
    except FileNotFoundError:
        return None
    return dt.datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M")


# --- Small-cell suppression -------------------------------------------------------------

def is_small(count) -> bool:
    return pd.notna(count) and 0 < count < min_cell()


def fmt_count(count) -> str:
    """A person count for display: thousands separated, "<5" for 1 to 4 persons."""
    if pd.isna(count):
        return "–"
    if is_small(count):
        return f"<{min_cell()}"
    return f"{int(count):,}"


def fmt_share(count, total) -> str:
    """A share of a total, left out where the count itself is suppressed."""
    if not total or is_small(count):
        return "–"
    return f"{count / total:.1%}"


def suppress_table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy for st.dataframe with the count columns formatted by `fmt_count`."""
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].map(fmt_count)
    return shown


def ordered(values: pd.Series) -> pd.Categorical:
    """Labels as an ordered categorical in their current order, so charts keep it."""
    return pd.Categorical(values, categories=list(dict.fromkeys(values)), ordered=True)


# --- Threshold pipeline bands ------------------------------------------------------------

_BAND = re.compile(r"(below|at_least)_([0-9]+(?:_[0-9]+)?)_pct")


def band_texts(labels) -> dict[str, str]:
    """The progress bands of fct_threshold_progress in order (below the lower share, each
    `at_least` share upwards, `threshold_met`) with their text: `below_50_pct` -> "below
    50 %", `at_least_50_pct` -> "50–75 %" when `at_least_75_pct` is the next band. The
    labels are derived from the share vars in the warehouse (macro share_band_label), so
    the page reads them from the data instead of naming the default shares."""
    parsed, others = [], []
    for label in dict.fromkeys(labels):
        match = _BAND.fullmatch(str(label))
        if match:
            parsed.append((match.group(1) == "at_least", float(match.group(2).replace("_", ".")), label))
        elif label != "threshold_met":
            others.append(label)
    parsed.sort()
    texts = {}
    for position, (is_at_least, percent, label) in enumerate(parsed):
        shown = f"{percent:g}"
        if not is_at_least:
            texts[label] = f"below {shown} %"
            continue
        upper = parsed[position + 1][1] if position + 1 < len(parsed) else 100
        texts[label] = f"{shown}–{upper:g} %"
    texts.update({label: label for label in others})
    if "threshold_met" in set(labels):
        texts["threshold_met"] = "threshold met"
    return texts
