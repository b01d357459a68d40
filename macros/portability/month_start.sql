{#- The first day of the calendar month of a date, as a date. -#}
{% macro month_start(date_expression) %}
    {{- return("cast(" ~ dbt.date_trunc('month', date_expression) ~ " as date)") -}}
{% endmacro %}
