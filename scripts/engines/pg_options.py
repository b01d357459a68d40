"""The PGOPTIONS value that hands the person_key salt to every PostgreSQL session dbt
opens (ADR 0009): `-c dvz.person_key_salt=<DVZ_PERSON_KEY_SALT>`, appended to any
PGOPTIONS already set. libpq reads PGOPTIONS from the environment whenever a connection
passes no `options` of its own (dbt-postgres passes one only for a profile
`search_path`, which profiles.yml does not set), so the salt reaches the server in the
connection's start-up packet: never in SQL text, dbt's logs, target/ or the database.

    export PGOPTIONS="$(python scripts/engines/pg_options.py)"
    DBT_TARGET=postgres dbt build ...

Prints nothing new (only the existing PGOPTIONS) when DVZ_PERSON_KEY_SALT is unset or
empty: the run then stops in its on-run-start hook, naming the variable.
"""

from __future__ import annotations

import os
import sys

SETTING = "dvz.person_key_salt"


def escape(value: str) -> str:
    """libpq splits PGOPTIONS on (ASCII) white space; a backslash keeps the next
    character, white space or a backslash, as it is."""
    return "".join("\\" + char if char in "\\ \t\n\r\f\v" else char for char in value)


def with_salt(salt: str | None, pgoptions: str | None = None) -> str:
    """`pgoptions` (default: the environment's PGOPTIONS) plus the salt's setting; without
    a salt, `pgoptions` unchanged."""
    pgoptions = os.environ.get("PGOPTIONS", "") if pgoptions is None else pgoptions
    if not salt:
        return pgoptions
    return " ".join(part for part in (pgoptions, f"-c {SETTING}={escape(salt)}") if part)


if __name__ == "__main__":
    sys.stdout.write(with_salt(os.environ.get("DVZ_PERSON_KEY_SALT")))
