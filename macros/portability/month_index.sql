{#- A running number of the calendar month of a date (year * 12 + month), so that
    consecutive calendar months differ by exactly 1. extract() is standard SQL on every
    engine this project targets. -#}
{% macro month_index(date_expression) %}
    {{- return("cast(extract(year from " ~ date_expression ~ ") * 12 + extract(month from "
        ~ date_expression ~ ") as integer)") -}}
{% endmacro %}
