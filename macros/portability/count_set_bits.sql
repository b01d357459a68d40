{#- The number of bits set in a bigint (a days_of_month_mask), as an integer. -#}
{% macro count_set_bits(mask) %}
    {{ return(adapter.dispatch('count_set_bits', 'dvz_transfer_warehouse')(mask)) }}
{% endmacro %}

{% macro default__count_set_bits(mask) %}
    {{- return("cast(bit_count(" ~ mask ~ ") as integer)") -}}
{% endmacro %}

{% macro postgres__count_set_bits(mask) %}
    {{- return("cast(bit_count(cast(" ~ mask ~ " as bit(64))) as integer)") -}}
{% endmacro %}
