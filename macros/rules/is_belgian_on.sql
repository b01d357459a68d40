{#- SQL truth of "the person is Belgian on day t" (RULES.md §7): nationality_code BE and
    belgian_since null (Belgian from birth) or on or before t. Null-safe: false when the
    person is unknown. -#}
{% macro is_belgian_on(nationality_column, belgian_since_column, day_expression) %}
    {{- return("coalesce(" ~ nationality_column ~ " = 'BE' and (" ~ belgian_since_column ~ " is null or "
        ~ belgian_since_column ~ " <= " ~ day_expression ~ "), false)") -}}
{% endmacro %}
