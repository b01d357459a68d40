{#- The evaluation date of the run (CONTRACT.md §1, RULES.md §1) as an ISO string.
    Null or absent means today. Anything that is not a real calendar date stops the
    run with a message naming the var. -#}
{% macro as_of_date() %}
    {%- set raw = var('as_of_date', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(modules.datetime.date.today().isoformat()) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- if not is_iso_calendar_date(text) -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var as_of_date: '" ~ text ~ "'. Accepted: an ISO calendar date "
            ~ "YYYY-MM-DD (e.g. 2014-06-30), or leave it unset for today."
        ) }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}

{#- The evaluation date as a SQL date expression. -#}
{% macro as_of_date_sql() %}
    {{- return("cast(" ~ string_literal(as_of_date()) ~ " as date)") -}}
{% endmacro %}

{#- The first instant after the evaluation day: a row exists only if recorded before it
    (RULES.md §1). -#}
{% macro as_of_cutoff_timestamp_sql() %}
    {{- return(dbt.dateadd('day', 1, "cast(" ~ string_literal(as_of_date() ~ " 00:00:00") ~ " as "
        ~ dbt.type_timestamp() ~ ")")) -}}
{% endmacro %}

{#- A period's last day as far as the run looks (RULES.md §1): an open end (null) and
    every end after as_of_date become as_of_date. The one clipping to as_of_date. -#}
{% macro end_clipped_to_as_of_date(end_column) %}
    {{- return("case when " ~ end_column ~ " is null or " ~ end_column ~ " > " ~ as_of_date_sql()
        ~ " then " ~ as_of_date_sql() ~ " else " ~ end_column ~ " end") -}}
{% endmacro %}
