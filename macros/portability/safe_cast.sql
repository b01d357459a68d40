{#- Cast that yields null instead of failing on a value that does not fit the type.
    DuckDB's try_cast is the reference. PostgreSQL has no try_cast and fails on a bad
    value, and Spark's cast is lenient in other ways (it reads '2014' or '2014-01-05 junk'
    as a date), so on those engines a landing text must first have the contract's shape
    for a date, timestamp or decimal (landing_text_has_shape; on PostgreSQL also fit
    the type: landing_text_is_castable) before it is cast: what
    DuckDB alone also accepts ('2014/01/05', '1e3', a time-zone suffix) is unreadable
    there (ADR 0011).
    This macro's name shadows dbt's own safe_cast (dbt calls it, e.g. to cast unit-test
    fixtures): for any other type the engine variants do what dbt's do, a plain cast. -#}
{% macro safe_cast(expression, target_type) %}
    {{ return(adapter.dispatch('safe_cast', 'dvz_transfer_warehouse')(expression, target_type)) }}
{% endmacro %}

{% macro default__safe_cast(expression, target_type) %}
    {{- return("try_cast(" ~ expression ~ " as " ~ target_type ~ ")") -}}
{% endmacro %}

{% macro postgres__safe_cast(expression, target_type) %}
    {%- if not is_landing_value_type(target_type) -%}
        {{- return("cast(" ~ expression ~ " as " ~ target_type ~ ")") -}}
    {%- endif -%}
    {{- return("(case when " ~ landing_text_is_castable(expression, target_type) ~ " then cast("
        ~ expression ~ " as " ~ target_type ~ ") end)") -}}
{% endmacro %}

{% macro spark__safe_cast(expression, target_type) %}
    {%- if not is_landing_value_type(target_type) -%}
        {{- return("cast(" ~ expression ~ " as " ~ target_type ~ ")") -}}
    {%- endif -%}
    {{- return("(case when " ~ landing_text_has_shape(expression, target_type) ~ " then try_cast("
        ~ expression ~ " as " ~ target_type ~ ") end)") -}}
{% endmacro %}
