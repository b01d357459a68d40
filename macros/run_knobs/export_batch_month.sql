{#- The DVZ export's batch month (var export_batch_month, `YYYY-MM`) as the ISO date of its
    first day; unset means the month of as_of_date. A month after that of as_of_date
    (RULES.md §8a: a batch cannot hold what is not known yet), or anything that is not a
    month, stops the run with a message naming the var. -#}
{% macro export_batch_month() %}
    {%- set raw = var('export_batch_month', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(as_of_date()[:7] ~ '-01') }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- set match = modules.re.fullmatch('([0-9]{4})-(0[1-9]|1[0-2])', text) -%}
    {%- if not match -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var export_batch_month: '" ~ text ~ "'. Accepted: a month YYYY-MM (e.g. 2015-06), "
            ~ "or leave it unset for the month of as_of_date."
        ) }}
    {%- endif -%}
    {%- if text > as_of_date()[:7] -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var export_batch_month: '" ~ text ~ "' is after the month of as_of_date (" ~ as_of_date()
            ~ "). Accepted: a month YYYY-MM up to " ~ as_of_date()[:7] ~ " (RULES.md §8a), "
            ~ "or leave it unset for the month of as_of_date."
        ) }}
    {%- endif -%}
    {{ return(text ~ '-01') }}
{% endmacro %}

{#- The batch month as a SQL date expression (its first day). -#}
{% macro export_batch_month_sql() %}
    {{- return("cast(" ~ string_literal(export_batch_month()) ~ " as date)") -}}
{% endmacro %}
