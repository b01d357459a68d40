{#- A landing text value without its leading and trailing spaces; empty becomes null
    (RULES.md §2). Used for business keys and references. -#}
{% macro normalise_text(column) %}
    {{- return("nullif(trim(cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")), '')") -}}
{% endmacro %}
