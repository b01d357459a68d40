{#- An insz keeping only the ASCII digits 0-9; nothing left becomes null (RULES.md §2). -#}
{% macro normalise_insz(column) %}
    {{ return(adapter.dispatch('normalise_insz', 'dvz_transfer_warehouse')(column)) }}
{% endmacro %}

{% macro default__normalise_insz(column) %}
    {{- return("nullif(regexp_replace(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '[^0-9]', '', 'g'), '')") -}}
{% endmacro %}

{% macro spark__normalise_insz(column) %}
    {{- return("nullif(regexp_replace(cast(" ~ column ~ " as string), '[^0-9]', ''), '')") -}}
{% endmacro %}
