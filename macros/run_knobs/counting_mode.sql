{#- The counting_mode var (RULES.md §5 Interpretation): null keeps the rule catalogue's
    mode per flow; a value overrides it for every flow. Returns none or the mode. -#}
{% macro counting_mode_override() %}
    {%- set accepted = ['consecutive', 'cumulative'] -%}
    {%- set raw = var('counting_mode', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = raw | string | trim | lower -%}
    {%- if value not in accepted -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var counting_mode: '" ~ raw ~ "'. Accepted: " ~ accepted | join(', ')
            ~ ", or leave it unset to use the rule catalogue's mode."
        ) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}

{#- The counting_mode override as a SQL literal (null when unset). -#}
{% macro counting_mode_override_sql() %}
    {%- set mode = counting_mode_override() -%}
    {{- return("cast(null as " ~ dbt.type_string() ~ ")" if mode is none else string_literal(mode)) -}}
{% endmacro %}
