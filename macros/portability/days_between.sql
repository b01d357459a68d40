{#- Whole days from start_date to end_date (end - start; 0 when equal), as an integer. -#}
{% macro days_between(start_date, end_date) %}
    {{ return(adapter.dispatch('days_between', 'dvz_transfer_warehouse')(start_date, end_date)) }}
{% endmacro %}

{% macro default__days_between(start_date, end_date) %}
    {{- return("cast(" ~ end_date ~ " - " ~ start_date ~ " as integer)") -}}
{% endmacro %}

{% macro spark__days_between(start_date, end_date) %}
    {{- return("datediff(" ~ end_date ~ ", " ~ start_date ~ ")") -}}
{% endmacro %}
