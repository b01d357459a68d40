{#- Fails with every row of the model for which the SQL expression is not true
    (null counts as not true). Arguments: expression; optional where (a filter). -#}
{% test expression_is_true(model, expression, where_clause=none) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{%- if where_clause %}
    and ({{ where_clause }})
{%- endif %}
{% endtest %}
