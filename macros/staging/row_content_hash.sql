{#- A hash of a row's normalised contract values, to tell an exact duplicate (same hash)
    from a conflicting version (RULES.md §2: "all contract columns compared after
    normalisation"). Nulls and separators are spelled out so that no two different rows
    share the hashed text. -#}
{% macro row_content_hash(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce('v' || cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'n')") -%}
    {%- endfor -%}
    {{- return("md5(" ~ parts | join(" || chr(31) || ") ~ ")") -}}
{% endmacro %}
