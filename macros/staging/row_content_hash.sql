{#- A hash of a row's normalised contract values, to tell an exact duplicate (same hash)
    from a conflicting version (RULES.md §2: "all contract columns compared after
    normalisation"). Only rows sharing a business key and recorded_at are ever compared
    (place_landing_versions). Never null. -#}
{% macro row_content_hash(columns) %}
    {{ return(adapter.dispatch('row_content_hash', 'dvz_transfer_warehouse')(columns)) }}
{% endmacro %}

{#- Portable: MD5 of the values as text, nulls and separators spelled out so that no two
    different rows share the hashed text. -#}
{% macro default__row_content_hash(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce('v' || cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'n')") -%}
    {%- endfor -%}
    {{- return("md5(" ~ parts | join(" || chr(31) || ") ~ ")") -}}
{% endmacro %}

{#- DuckDB: its 64-bit hash() of the typed values (a null hashes apart from every
    value), a ubigint: about 7x cheaper than building the text and its MD5, and 8 bytes
    instead of a 32-character string in every sort and join of the placement (ADR 0012).
    Two different rows of one key and recorded_at would have to collide on 64 bits to be
    taken for exact duplicates. -#}
{% macro duckdb__row_content_hash(columns) %}
    {{- return("hash(" ~ columns | join(", ") ~ ")") -}}
{% endmacro %}
