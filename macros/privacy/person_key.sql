{#- person_key = lower-case hex SHA-256 of the UTF-8 bytes of the salt immediately
    followed by the normalised insz (RULES.md §8). -#}
{% macro person_key(insz_column) %}
    {{ return(adapter.dispatch('person_key', 'dvz_transfer_warehouse')(insz_column)) }}
{% endmacro %}

{% macro default__person_key(insz_column) %}
    {{- return("lower(sha256(" ~ string_literal(person_key_salt()) ~ " || " ~ insz_column ~ "))") -}}
{% endmacro %}

{#- DuckDB: the salt is the session variable the project's dbt-duckdb plugin sets on every
    connection from the environment (plugins/dvz_duckdb.py), so it is in no SQL text; a
    query run without it stops instead of hashing with no salt. -#}
{% macro duckdb__person_key(insz_column) %}
    {{- return("case when getvariable('dvz_person_key_salt') is null then "
        ~ raise_error_sql(string_literal("person_key: the session has no salt (DVZ_PERSON_KEY_SALT unset, "
            ~ "or the dvz_duckdb plugin is missing from the profile)"))
        ~ " else lower(sha256(getvariable('dvz_person_key_salt') || " ~ insz_column ~ ")) end") -}}
{% endmacro %}

{% macro postgres__person_key(insz_column) %}
    {{- return("encode(sha256(convert_to(" ~ string_literal(person_key_salt()) ~ " || " ~ insz_column
        ~ ", 'UTF8')), 'hex')") -}}
{% endmacro %}

{% macro spark__person_key(insz_column) %}
    {{- return("sha2(concat(" ~ string_literal(person_key_salt()) ~ ", " ~ insz_column ~ "), 256)") -}}
{% endmacro %}
