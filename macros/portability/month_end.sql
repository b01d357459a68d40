{#- The last day of the calendar month of a date, as a date. -#}
{% macro month_end(date_expression) %}
    {{ return(adapter.dispatch('month_end', 'dvz_transfer_warehouse')(date_expression)) }}
{% endmacro %}

{% macro default__month_end(date_expression) %}
    {{- return("last_day(" ~ date_expression ~ ")") -}}
{% endmacro %}

{% macro postgres__month_end(date_expression) %}
    {{- return("cast(date_trunc('month', " ~ date_expression ~ ") + interval '1 month - 1 day' as date)") -}}
{% endmacro %}
