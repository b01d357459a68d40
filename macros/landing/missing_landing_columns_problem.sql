{#- The problem message for a landing file that lacks contract columns (CONTRACT.md §2),
    or '' when it has them all: one wording for every engine's check_landing_files. -#}
{% macro missing_landing_columns_problem(path, expected_columns, present_columns) %}
    {%- set missing = expected_columns | reject('in', present_columns) | list -%}
    {%- if missing | length == 0 -%}{{ return('') }}{%- endif -%}
    {{ return("landing file " ~ path ~ " lacks column(s) " ~ missing | join(', ')
        ~ " (header found: " ~ present_columns | join(', ') ~ ")") }}
{% endmacro %}
