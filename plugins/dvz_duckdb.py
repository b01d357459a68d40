"""The project's dbt-duckdb plugin (profile `plugins: [{module: dvz_duckdb}]`).

dbt's Jinja cannot touch the file system and DuckDB's SQL cannot rename a file, yet the DVZ
delivery files must appear all at once and only after a green build (RULES.md §8a). This
plugin registers, on every DuckDB connection dbt opens, the few file operations the
project's macros need, as SQL functions:

- `dvz_replace_file(source, target)`: renames `source` over `target` (os.replace: atomic on
  one file system) and returns `target`;
- `dvz_remove_file(path)`: removes `path` if it exists and returns whether it did.

Nothing else happens here: what to write, when, and under which names is decided in SQL and
Jinja (macros/export/), where the lineage and the docs show it.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin


def replace_file(source: str, target: str) -> str:
    os.replace(source, target)
    return target


def remove_file(path: str) -> bool:
    try:
        os.remove(path)
    except FileNotFoundError:
        return False
    return True


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        # side_effects: each call renames or removes, so DuckDB must neither cache nor fold it.
        conn.create_function("dvz_replace_file", replace_file, ["VARCHAR", "VARCHAR"], "VARCHAR", side_effects=True)
        conn.create_function("dvz_remove_file", remove_file, ["VARCHAR"], "BOOLEAN", side_effects=True)
