{#- Count the distinct days covered by periods, per partition: the periods are merged
    (merge_touching_periods) and the merged lengths summed, so a day covered by several
    periods counts once (RULES.md §9). The one way the warehouse counts distinct days.
    relation: a CTE or relation with the partition columns and inclusive start and end
    dates (end not null). Returns a select of the partition columns, distinct_days,
    first_day and last_day. -#}
{% macro count_distinct_days(relation, partition_columns, start_column, end_column) %}
    {%- set partition_by = partition_columns | join(', ') -%}
with

merged_periods as (
    {{ merge_touching_periods(relation, partition_columns, start_column, end_column) }}
)

select
    {{ partition_by }},
    sum({{ days_between('period_start', 'period_end') }} + 1) as distinct_days,
    min(period_start) as first_day,
    max(period_end) as last_day
from merged_periods
group by {{ partition_by }}
{% endmacro %}
