{#- A date plus a whole number of days, still a date (dbt.dateadd yields a timestamp on
    DuckDB). -#}
{% macro add_days(date_expression, days) %}
    {{ return(adapter.dispatch('add_days', 'dvz_transfer_warehouse')(date_expression, days)) }}
{% endmacro %}

{% macro default__add_days(date_expression, days) %}
    {{- return("(" ~ date_expression ~ " + cast(" ~ days ~ " as integer))") -}}
{% endmacro %}

{% macro spark__add_days(date_expression, days) %}
    {{- return("date_add(" ~ date_expression ~ ", cast(" ~ days ~ " as integer))") -}}
{% endmacro %}
