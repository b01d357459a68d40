{#- The first day of the dashboards' date dimension (var calendar_start_date, an ISO date)
    as a SQL date expression; anything else stops the run with a message naming the var. -#}
{% macro calendar_start_date_sql() %}
    {%- set text = var('calendar_start_date') | string | trim -%}
    {%- if not is_iso_calendar_date(text) -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var calendar_start_date: '" ~ text ~ "'. Accepted: an ISO calendar date YYYY-MM-DD (e.g. 2014-01-01)."
        ) }}
    {%- endif -%}
    {{- return("cast(" ~ string_literal(text) ~ " as date)") -}}
{% endmacro %}
