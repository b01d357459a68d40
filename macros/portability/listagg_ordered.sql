{#- Aggregate text values into one string, in the order of the given columns. dbt's
    cross-database listagg honours order_by_clause everywhere but on Spark, where it
    warns and collects in no defined order; Spark sorts structs of the order columns and
    the value instead. -#}
{% macro listagg_ordered(measure, delimiter_text, order_by_columns) %}
    {{ return(adapter.dispatch('listagg_ordered', 'dvz_transfer_warehouse')(measure, delimiter_text, order_by_columns)) }}
{% endmacro %}

{% macro default__listagg_ordered(measure, delimiter_text, order_by_columns) %}
    {{- return(dbt.listagg(measure=measure, delimiter_text=delimiter_text,
        order_by_clause="order by " ~ order_by_columns | join(', '))) -}}
{% endmacro %}

{% macro spark__listagg_ordered(measure, delimiter_text, order_by_columns) %}
    {{- return("array_join(transform(array_sort(collect_list(struct(" ~ order_by_columns | join(', ') ~ ", "
        ~ measure ~ " as listagg_value))), listagg_item -> listagg_item.listagg_value), " ~ delimiter_text ~ ")") -}}
{% endmacro %}
