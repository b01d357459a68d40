{#- Hands the salt of person_key to the database session without writing it into any
    model's SQL (ADR 0009): on DuckDB a session variable set by a pre-hook, which
    `person_key()` reads with getvariable(), so compiled SQL, manifest.json and the static
    docs never carry the salt. Engines without such variables inline the salt in
    `person_key()` instead and get no statement here. -#}
{% macro set_person_key_salt() %}
    {{ return(adapter.dispatch('set_person_key_salt', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__set_person_key_salt() %}
    {{- return('') -}}
{% endmacro %}

{% macro duckdb__set_person_key_salt() %}
    {{- return("set variable dvz_person_key_salt = '" ~ person_key_salt() | replace("'", "''") ~ "'") -}}
{% endmacro %}
