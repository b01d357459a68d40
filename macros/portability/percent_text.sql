{#- SQL text of a share as a whole percentage, e.g. 0.612 -> '61 %' (for messages). -#}
{% macro percent_text(share_expression) %}
    {{- return("cast(cast(round(100 * " ~ share_expression ~ ", 0) as " ~ dbt.type_int() ~ ") as "
        ~ dbt.type_string() ~ ") || ' %'") -}}
{% endmacro %}
