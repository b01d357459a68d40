{#- SQL truth of "this landing column already has the contract type", for engines that can
    answer it from the column's declared type at plan time, so that the check folds into a
    constant and costs nothing per row (DuckDB: typeof() of a column is a constant the
    optimiser removes, leaving either the plain column or the text parse). Returns none
    where the engine cannot: the caller then always parses the value as text. -#}
{% macro landing_value_has_type(column, target_type) %}
    {{ return(adapter.dispatch('landing_value_has_type', 'dvz_transfer_warehouse')(column, target_type)) }}
{% endmacro %}

{% macro default__landing_value_has_type(column, target_type) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__landing_value_has_type(column, target_type) %}
    {#- typeof() spells types upper-case without spaces: DATE, TIMESTAMP, DECIMAL(10,2) -#}
    {%- set type_name = target_type | upper | replace(' ', '') -%}
    {{ return("typeof(" ~ column ~ ") = '" ~ type_name ~ "'") }}
{% endmacro %}
