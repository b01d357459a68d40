{#- Fails with one row per value of the column that is not among the rows of `to` matching
    `to_condition`, with the number of rows holding it: dbt's `relationships` with a filter
    on the parent, so a code list is read from its seed (one code list of ref_code_lists,
    the counted benefit types, the deferred flows) instead of being pasted into the YAML.
    Nulls pass, as in `relationships`. Arguments: to, field, to_condition. -#}
{% test relationships_where(model, column_name, to, field, to_condition=none) %}
with

child_values as (
    select {{ column_name }} as code
    from {{ model }}
    where {{ column_name }} is not null
),

parent_values as (
    select distinct {{ field }} as code
    from {{ to }}
    {%- if to_condition %} where {{ to_condition }}{% endif %}
)

select
    child_values.code,
    count(*) as child_rows
from child_values
left join parent_values
    on child_values.code = parent_values.code
where parent_values.code is null
group by child_values.code
{% endtest %}
