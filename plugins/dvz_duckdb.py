"""The project's dbt-duckdb plugin (profile `plugins: [{module: dvz_duckdb}]`).

Two jobs that dbt's Jinja and DuckDB's SQL cannot do on their own:

1. File operations for the DVZ delivery files, which must appear all at once and only
   after a green build (RULES.md §8a), registered as SQL functions on every DuckDB
   connection dbt opens:
   - `dvz_replace_file(source, target)`: renames `source` over `target` (os.replace:
     atomic on one file system) and returns `target`;
   - `dvz_remove_file(path)`: removes `path` if it exists and returns whether it did;
   - `dvz_make_folder(path)`: creates the folder `path` (and its parents) if missing and
     returns it, so a build can publish into an export folder that does not exist yet.
   What to write, when, and under which names is decided in SQL and Jinja
   (macros/export/), where the lineage and the docs show it.

2. The landing folder (CONTRACT.md §1: DVZ_LANDING_DIR, default `data/landing`, as the
   `landing_dir()` macro reads it), as the session variable `dvz_landing_dir` that the
   landing sources read (`models/staging/_landing__sources.yml`): a folder name is data,
   never SQL text, so a quote, a semicolon or `--` in it cannot end a string or start a
   statement, and braces cannot upset dbt-duckdb's location template.

3. The person_key salt (RULES.md §8, ADR 0009), handed from the environment straight to
   each DuckDB session as a prepared parameter, so it never passes through Jinja: not in
   dbt's logs, not in the parse cache (dbt stores the env vars Jinja reads), not in any
   compiled SQL, manifest or docs page, not in the database file. Each connection and
   cursor dbt uses gets two session variables:
   - `dvz_person_key_salt`: DVZ_PERSON_KEY_SALT, or the profile's `demo_person_key_salt`
     (plugin config, dev target only) when that is unset or empty; unset otherwise;
   - `dvz_person_key_salt_source`: `environment`, `demo` or unset, which the on-run-start
     hook reads to say the demo salt is in use or to stop a target that has no salt
     (macros/privacy/person_key_salt.sql). The salt itself is never returned
     to Jinja.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

SALT_ENV_VAR = "DVZ_PERSON_KEY_SALT"
LANDING_DIR_ENV_VAR = "DVZ_LANDING_DIR"
DEFAULT_LANDING_DIR = "data/landing"  # the default of macros/run_knobs/landing_format.sql: landing_dir()


def replace_file(source: str, target: str) -> str:
    os.replace(source, target)
    return target


def remove_file(path: str) -> bool:
    try:
        os.remove(path)
    except FileNotFoundError:
        return False
    return True


def make_folder(path: str) -> str:
    os.makedirs(path, exist_ok=True)
    return path


class Plugin(BasePlugin):
    def initialize(self, plugin_config) -> None:
        self.demo_salt = str(plugin_config.get("demo_person_key_salt") or "")

    def _salt(self) -> tuple[str, str] | None:
        """(salt, where it came from), read when a session starts so a changed environment
        (several builds in one process) is seen; None when the target has no salt."""
        salt = os.environ.get(SALT_ENV_VAR, "")
        if salt:
            return salt, "environment"
        if self.demo_salt:
            return self.demo_salt, "demo"
        return None

    def _configure_session(self, session) -> None:
        """The session variables every connection and cursor needs, set from the
        environment as it is now (several builds may run in one process)."""
        landing_dir = os.environ.get(LANDING_DIR_ENV_VAR, DEFAULT_LANDING_DIR).rstrip("/")
        session.execute("set variable dvz_landing_dir = ?", [landing_dir])
        self._set_salt(session)

    def _set_salt(self, session) -> None:
        found = self._salt()
        if found is None:
            session.execute("reset variable dvz_person_key_salt")
            session.execute("reset variable dvz_person_key_salt_source")
            return
        # Prepared parameters: the salt is data, never SQL text (nothing to log or quote).
        session.execute("set variable dvz_person_key_salt = ?", [found[0]])
        session.execute("set variable dvz_person_key_salt_source = ?", [found[1]])

    def configure_connection(self, conn) -> None:
        # side_effects: each call renames or removes, so DuckDB must neither cache nor fold it.
        conn.create_function("dvz_replace_file", replace_file, ["VARCHAR", "VARCHAR"], "VARCHAR", side_effects=True)
        conn.create_function("dvz_remove_file", remove_file, ["VARCHAR"], "BOOLEAN", side_effects=True)
        conn.create_function("dvz_make_folder", make_folder, ["VARCHAR"], "VARCHAR", side_effects=True)
        self._configure_session(conn)

    def configure_cursor(self, cursor) -> None:
        # DuckDB variables belong to one connection: every cursor dbt uses gets its own.
        self._configure_session(cursor)
