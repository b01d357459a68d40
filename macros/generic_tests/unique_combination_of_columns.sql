{#- Fails with every combination of the given columns that occurs more than once: the
    model's grain. Argument: combination (a list of column names). -#}
{% test unique_combination_of_columns(model, combination) %}
select
    {{ combination | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
