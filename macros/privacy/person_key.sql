{#- person_key = lower-case hex SHA-256 of the UTF-8 bytes of the salt immediately
    followed by the normalised insz (RULES.md §8). -#}
{% macro person_key(insz_column) %}
    {{ return(adapter.dispatch('person_key', 'dvz_transfer_warehouse')(insz_column)) }}
{% endmacro %}

{% macro default__person_key(insz_column) %}
    {{- return("lower(sha256('" ~ person_key_salt() | replace("'", "''") ~ "' || " ~ insz_column ~ "))") -}}
{% endmacro %}

{% macro postgres__person_key(insz_column) %}
    {{- return("encode(sha256(convert_to('" ~ person_key_salt() | replace("'", "''") ~ "' || " ~ insz_column ~ ", 'UTF8')), 'hex')") -}}
{% endmacro %}

{% macro spark__person_key(insz_column) %}
    {{- return("sha2(concat('" ~ person_key_salt() | replace("'", "\\'") ~ "', " ~ insz_column ~ "), 256)") -}}
{% endmacro %}
