{#- Cast that yields null instead of failing on a value that does not fit the type. -#}
{% macro safe_cast(expression, target_type) %}
    {{ return(adapter.dispatch('safe_cast', 'dvz_transfer_warehouse')(expression, target_type)) }}
{% endmacro %}

{% macro default__safe_cast(expression, target_type) %}
    {{- return("try_cast(" ~ expression ~ " as " ~ target_type ~ ")") -}}
{% endmacro %}
