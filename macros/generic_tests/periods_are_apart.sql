{#- Fails with every period that overlaps or touches an earlier one of its partition (it
    starts at most one day after the latest end before it): periods meant to be maximal
    runs (see the glossary) that should have been merged. Arguments: partition_columns (a
    list), start_column, end_column (inclusive dates, end not null). -#}
{% test periods_are_apart(model, partition_columns, start_column, end_column) %}
{%- set partition_by = partition_columns | join(', ') -%}
select *
from (
    select
        {{ partition_by }},
        {{ start_column }} as period_start,
        {{ end_column }} as period_end,
        max({{ end_column }}) over (
            partition by {{ partition_by }}
            order by {{ start_column }}, {{ end_column }}
            rows between unbounded preceding and 1 preceding
        ) as latest_earlier_end
    from {{ model }}
) as ordered_periods
where period_start <= {{ add_days('latest_earlier_end', 1) }}
{% endtest %}
