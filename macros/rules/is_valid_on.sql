{#- SQL truth of "a permit (or any dated row) is valid on day t": valid_from on or before
    t and valid_to null (open) or on or after t (RULES.md §7: a population-register
    permit valid on transfer_due_on / on as_of_date). -#}
{% macro is_valid_on(valid_from_column, valid_to_column, day_expression) %}
    {{- return("(" ~ valid_from_column ~ " <= " ~ day_expression ~ " and (" ~ valid_to_column ~ " is null or "
        ~ valid_to_column ~ " >= " ~ day_expression ~ "))") -}}
{% endmacro %}
