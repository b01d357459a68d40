"""The landing contract (CONTRACT.md §2) as the Python modules read it.

The one declaration is the dbt sources YAML `models/staging/_landing__sources.yml`: its
tables are the landing files, its columns in contract order, each column's `data_type` its
contract type (`text`, `date`, `timestamp` or `amount`, i.e. decimal(10,2)) and its
`config.meta` whether it may be null (`nullable`) and, for a text or date column read in a
finer way, which value it holds (`value`: `key`, `insz`, `code` or `month`); each table's
`config.meta.business_key` names its business key. The dbt macro
`landing_contract_columns()` reads the same YAML from the graph; nothing else lists the
columns (tests_python/test_landing_contract.py).

    from landing_contract import LANDING_COLUMNS, COLUMN_NAMES, BUSINESS_KEYS
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import yaml

SOURCES_YAML = Path(__file__).resolve().parents[1] / "models" / "staging" / "_landing__sources.yml"
CONTRACT_TYPES = ("text", "date", "timestamp", "amount")


class Column(NamedTuple):
    """One landing column: name, contract type, value kind (the contract type unless the
    declaration names a finer one) and whether it may be null."""
    name: str
    contract_type: str
    kind: str
    nullable: bool


def load(path: Path = SOURCES_YAML) -> tuple[dict[str, str], dict[str, list[Column]], dict[str, str]]:
    """(dbt source of each landing file, its columns in contract order, its business key),
    keyed by file stem, read from a sources YAML (the project's unless told)."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    source_of, columns, keys = {}, {}, {}
    for source in document["sources"]:
        for table in source["tables"]:
            stem = table["name"]
            source_of[stem] = source["name"]
            keys[stem] = table["config"]["meta"]["business_key"]
            columns[stem] = []
            for column in table["columns"]:
                meta = column["config"]["meta"]
                contract_type = column["data_type"]
                if contract_type not in CONTRACT_TYPES:
                    raise ValueError(f"{path}: {stem}.{column['name']} has data_type {contract_type!r}, "
                                     f"not one of {CONTRACT_TYPES}")
                columns[stem].append(Column(column["name"], contract_type,
                                            meta.get("value", contract_type), bool(meta["nullable"])))
    return source_of, columns, keys


SOURCE_OF, LANDING_COLUMNS, BUSINESS_KEYS = load()
# The landing files, in contract order (CONTRACT.md §2).
SOURCES: tuple[str, ...] = tuple(LANDING_COLUMNS)
# Each file's column names in contract order (also the CSV header order).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    stem: tuple(column.name for column in columns) for stem, columns in LANDING_COLUMNS.items()}
NULLABLE_COLUMNS: frozenset[str] = frozenset(
    column.name for columns in LANDING_COLUMNS.values() for column in columns if column.nullable)
