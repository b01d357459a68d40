{#- person_key = lower-case hex SHA-256 of the UTF-8 bytes of the salt immediately
    followed by the normalised insz (RULES.md §8). On every engine the database reads the
    salt from its session (person_key_salt_sql), so it is in no SQL text, log, parse cache
    or manifest (ADR 0009); a query run without it stops instead of hashing with no salt. -#}
{% macro person_key(insz_column) %}
    {{ return(adapter.dispatch('person_key', 'dvz_transfer_warehouse')(insz_column)) }}
{% endmacro %}

{#- An engine with no session salt here: refuse rather than inline the salt in SQL. -#}
{% macro default__person_key(insz_column) %}
    {{- exceptions.raise_compiler_error(
        "person_key: no implementation for adapter " ~ adapter.type() ~ " keeps the salt out of the SQL "
        ~ "(ADR 0009); add one to macros/privacy/person_key.sql.") -}}
{% endmacro %}

{#- DuckDB: the salt is the session variable the project's dbt-duckdb plugin sets on every
    connection from the environment (plugins/dvz_duckdb.py). -#}
{% macro duckdb__person_key(insz_column) %}
    {{- return("case when getvariable('dvz_person_key_salt') is null then "
        ~ raise_error_sql(string_literal("person_key: the session has no salt (DVZ_PERSON_KEY_SALT unset, "
            ~ "or the dvz_duckdb plugin is missing from the profile)"))
        ~ " else lower(sha256(getvariable('dvz_person_key_salt') || " ~ insz_column ~ ")) end") -}}
{% endmacro %}

{#- PostgreSQL: the custom setting dvz.person_key_salt, which libpq puts on every session
    from PGOPTIONS (scripts/engines/pg_options.py). The error message concatenates the
    (empty) setting so that the planner cannot fold it into a constant and fail a query
    that has a salt. -#}
{% macro postgres__person_key(insz_column) %}
    {%- set salt = person_key_salt_or_demo("current_setting('dvz.person_key_salt', true)") -%}
    {{- return("case when " ~ salt ~ " is null then "
        ~ raise_error_sql("'person_key: the session has no salt (dvz.person_key_salt unset: "
            ~ "export PGOPTIONS as scripts/engines/pg_options.py prints it)' "
            ~ "|| coalesce(current_setting('dvz.person_key_salt', true), '')")
        ~ " else encode(sha256(convert_to(" ~ salt ~ " || " ~ insz_column ~ ", 'UTF8')), 'hex') end") -}}
{% endmacro %}

{#- Spark: the driver JVM's environment variable DVZ_PERSON_KEY_SALT, read by a Java call
    (`reflect`, a value, not text substituted into the SQL); with the session method the
    JVM is dbt's child and inherits dbt's environment. reflect returns 'null' when unset. -#}
{% macro spark__person_key(insz_column) %}
    {%- set salt = person_key_salt_or_demo(
        "nullif(reflect('java.lang.System', 'getenv', 'DVZ_PERSON_KEY_SALT'), 'null')") -%}
    {{- return("case when " ~ salt ~ " is null then "
        ~ raise_error_sql("'person_key: the Spark driver has no DVZ_PERSON_KEY_SALT in its environment'", 'string')
        ~ " else sha2(concat(" ~ salt ~ ", " ~ insz_column ~ "), 256) end") -}}
{% endmacro %}

{#- The session's salt (an SQL expression, null when unset or empty); on the dev and lint
    targets the public demo salt stands in for a missing one (RULES.md §8). Refuses a view:
    a view would read the salt of whoever queries it. -#}
{% macro person_key_salt_or_demo(salt_sql) %}
    {%- if model is defined and model is mapping and model.get('resource_type') == 'model'
        and (model.get('config') or {}).get('materialized') == 'view' -%}
        {{ exceptions.raise_compiler_error("person_key in the view " ~ model.name
            ~ ": a view would read the salt of the session that queries it; materialize it as a table (ADR 0009).") }}
    {%- endif -%}
    {%- if target.name in ['dev', 'lint'] -%}
        {{- return("coalesce(nullif(" ~ salt_sql ~ ", ''), " ~ string_literal(demo_person_key_salt()) ~ ")") -}}
    {%- endif -%}
    {{- return("nullif(" ~ salt_sql ~ ", '')") -}}
{% endmacro %}
