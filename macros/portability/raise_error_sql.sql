{#- A SQL expression that aborts the query with the given message (a SQL string
    expression) when it is evaluated. Used inside CASE branches, which engines evaluate
    only for the rows that reach them. -#}
{% macro raise_error_sql(message_sql) %}
    {{ return(adapter.dispatch('raise_error_sql', 'dvz_transfer_warehouse')(message_sql)) }}
{% endmacro %}

{% macro default__raise_error_sql(message_sql) %}
    {{- return("error(" ~ message_sql ~ ")") -}}
{% endmacro %}

{% macro spark__raise_error_sql(message_sql) %}
    {{- return("raise_error(" ~ message_sql ~ ")") -}}
{% endmacro %}
