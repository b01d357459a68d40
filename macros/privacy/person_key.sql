{#- person_key = lower-case hex SHA-256 of the UTF-8 bytes of the salt immediately
    followed by the normalised insz (RULES.md §8). -#}
{% macro person_key(insz_column) %}
    {{ return(adapter.dispatch('person_key', 'dvz_transfer_warehouse')(insz_column)) }}
{% endmacro %}

{% macro default__person_key(insz_column) %}
    {{- return("lower(sha256('" ~ person_key_salt() | replace("'", "''") ~ "' || " ~ insz_column ~ "))") -}}
{% endmacro %}

{#- DuckDB: the salt comes from the session variable set by the pre-hook
    set_person_key_salt(); a model run without it stops instead of hashing with no salt. -#}
{% macro duckdb__person_key(insz_column) %}
    {{- return("case when getvariable('dvz_person_key_salt') is null then "
        ~ raise_error_sql("'person_key: the salt session variable is not set (pre-hook set_person_key_salt missing)'")
        ~ " else lower(sha256(getvariable('dvz_person_key_salt') || " ~ insz_column ~ ")) end") -}}
{% endmacro %}

{% macro postgres__person_key(insz_column) %}
    {{- return("encode(sha256(convert_to('" ~ person_key_salt() | replace("'", "''") ~ "' || " ~ insz_column ~ ", 'UTF8')), 'hex')") -}}
{% endmacro %}

{% macro spark__person_key(insz_column) %}
    {{- return("sha2(concat('" ~ person_key_salt() | replace("'", "\\'") ~ "', " ~ insz_column ~ "), 256)") -}}
{% endmacro %}
