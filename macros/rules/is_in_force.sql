{#- SQL truth of "this catalogue row is in force on as_of_date" (RULES.md §4: the row in
    force on as_of_date applies to the whole evaluation). -#}
{% macro is_in_force(valid_from_column='valid_from', valid_to_column='valid_to') %}
    {{- return("(" ~ valid_from_column ~ " <= " ~ as_of_date_sql() ~ " and (" ~ valid_to_column
        ~ " is null or " ~ valid_to_column ~ " >= " ~ as_of_date_sql() ~ "))") -}}
{% endmacro %}
