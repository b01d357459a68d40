{#- The salt of person_key (RULES.md §8) is DVZ_PERSON_KEY_SALT and never passes through
    Jinja on any engine (ADR 0009): each engine's session holds it (person_key.sql says
    where). Only the dev target (and the in-memory lint target) may fall back to the demo
    salt below, and says so; any other target refuses to run without a salt. -#}

{#- The public demo salt (also the dev output's plugin config in profiles.yml). -#}
{% macro demo_person_key_salt() %}
    {{- return('dvz-demo-salt-not-for-production') -}}
{% endmacro %}

{#- Stop the run: this target has no salt (one wording for every engine, plus how the
    engine's session gets it). -#}
{% macro raise_missing_person_key_salt(how_the_session_gets_it='') %}
    {{ exceptions.raise_compiler_error(
        "DVZ_PERSON_KEY_SALT is not set: the " ~ target.name ~ " target needs the secret salt of "
        ~ "person_key (RULES.md §8); only the dev target falls back to a demo salt."
        ~ (" " ~ how_the_session_gets_it if how_the_session_gets_it else "")
    ) }}
{% endmacro %}

{#- on-run-start (validate_run_knobs): say once per run when the demo salt is in use (never
    the salt itself), and stop a target that has none, before any node runs. -#}
{% macro announce_person_key_salt() %}
    {{ return(adapter.dispatch('announce_person_key_salt', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__announce_person_key_salt() %}
    {{ exceptions.raise_compiler_error(
        "person_key: no implementation for adapter " ~ adapter.type() ~ " keeps the salt out of the SQL (ADR 0009).") }}
{% endmacro %}

{#- DuckDB: ask the session where its salt came from (the plugin sets
    dvz_person_key_salt_source), so the salt never passes through Jinja. -#}
{% macro duckdb__announce_person_key_salt() %}
    {%- set salt_source = run_query("select getvariable('dvz_person_key_salt_source')").columns[0].values()[0] -%}
    {%- if salt_source is none -%}
        {{ raise_missing_person_key_salt() }}
    {%- elif salt_source == 'demo' -%}
        {%- do log_demo_person_key_salt() -%}
    {%- endif -%}
{% endmacro %}

{% macro postgres__announce_person_key_salt() %}
    {%- do announce_session_person_key_salt("current_setting('dvz.person_key_salt', true)",
        "PostgreSQL sessions get it from libpq's PGOPTIONS: "
        ~ "export PGOPTIONS=\"$(python scripts/engines/pg_options.py)\" (ADR 0009).") -%}
{% endmacro %}

{% macro spark__announce_person_key_salt() %}
    {%- do announce_session_person_key_salt(
        "nullif(reflect('java.lang.System', 'getenv', 'DVZ_PERSON_KEY_SALT'), 'null')",
        "Spark reads it from the environment of its driver JVM (ADR 0009).") -%}
{% endmacro %}

{#- PostgreSQL and Spark: ask the database whether its session has a salt (a yes or no,
    never the value) and log the demo notice or stop the run accordingly. -#}
{% macro announce_session_person_key_salt(salt_sql, how_the_session_gets_it) %}
    {%- set has_salt = run_query("select coalesce(" ~ salt_sql ~ ", '') <> '' as has_salt").columns[0].values()[0] -%}
    {%- if has_salt -%}
        {{ return('') }}
    {%- elif target.name in ['dev', 'lint'] -%}
        {%- do log_demo_person_key_salt() -%}
    {%- else -%}
        {{ raise_missing_person_key_salt(how_the_session_gets_it) }}
    {%- endif -%}
{% endmacro %}

{% macro log_demo_person_key_salt() %}
    {%- do log("DVZ_PERSON_KEY_SALT is not set: target " ~ target.name
        ~ " uses the DEMO salt; person_key values are not pseudonymous. Never use them outside development.",
        info=true) -%}
{% endmacro %}
