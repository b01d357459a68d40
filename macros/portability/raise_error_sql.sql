{#- A SQL expression that aborts the query with the given message (a SQL string
    expression) when it is evaluated. Used inside CASE branches, which engines evaluate
    only for the rows that reach them. result_type: the SQL type of the branch, for
    engines whose CASE needs every branch typed alike (PostgreSQL). -#}
{% macro raise_error_sql(message_sql, result_type=none) %}
    {{ return(adapter.dispatch('raise_error_sql', 'dvz_transfer_warehouse')(message_sql, result_type)) }}
{% endmacro %}

{% macro default__raise_error_sql(message_sql, result_type=none) %}
    {{- return("error(" ~ message_sql ~ ")") -}}
{% endmacro %}

{#- PostgreSQL has no SQL-callable error function (only PL/pgSQL's RAISE, which would
    need a function created in the database). Casting the message to integer fails with
    `invalid input syntax for type integer: "<message>"`, which carries the message; the
    outer casts give the branch its type. The message always holds row values, so the
    planner cannot fold it into a constant and fail at plan time. -#}
{% macro postgres__raise_error_sql(message_sql, result_type=none) %}
    {{- return("cast(cast(cast((" ~ message_sql ~ ") as integer) as text) as " ~ (result_type or 'text') ~ ")") -}}
{% endmacro %}

{% macro spark__raise_error_sql(message_sql, result_type=none) %}
    {%- if result_type is none -%}
        {{- return("raise_error(" ~ message_sql ~ ")") -}}
    {%- endif -%}
    {{- return("cast(raise_error(" ~ message_sql ~ ") as " ~ result_type ~ ")") -}}
{% endmacro %}
