{#- True when the whole value matches the regular expression (anchored at both ends). -#}
{% macro matches_pattern(column, pattern) %}
    {{ return(adapter.dispatch('matches_pattern', 'dvz_transfer_warehouse')(column, pattern)) }}
{% endmacro %}

{% macro default__matches_pattern(column, pattern) %}
    {{- return("regexp_full_match(" ~ column ~ ", '" ~ pattern ~ "')") -}}
{% endmacro %}

{% macro postgres__matches_pattern(column, pattern) %}
    {{- return("(" ~ column ~ " ~ '^(" ~ pattern ~ ")$')") -}}
{% endmacro %}

{% macro spark__matches_pattern(column, pattern) %}
    {{- return("(" ~ column ~ " rlike '^(" ~ pattern ~ ")$')") -}}
{% endmacro %}
