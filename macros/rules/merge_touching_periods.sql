{#- Merge periods that overlap or touch (the next starts at most one day after the
    reach of those before it) into maximal periods, per partition: the runs of
    number_runs, grouped.
    relation: a CTE or relation with the partition columns and inclusive start and end
    dates (end not null). Returns a select of the partition columns, period_number
    (1, 2, ... in time order), period_start, period_end and member_count. -#}
{% macro merge_touching_periods(relation, partition_columns, start_column, end_column) %}
    {%- set partition_by = partition_columns | join(', ') -%}
select
    {{ partition_by }},
    run_number as period_number,
    min({{ start_column }}) as period_start,
    max({{ end_column }}) as period_end,
    count(*) as member_count
from ({{ number_runs(relation, partition_columns, start_column, end_column) }}) as numbered
group by {{ partition_by }}, run_number
{% endmacro %}
