{#- Merge periods that overlap or touch (the next starts at most one day after the
    reach of those before it) into maximal periods, per partition.
    relation: a CTE or relation with the partition columns and inclusive start and end
    dates (end not null). Returns a select of the partition columns, period_number
    (1, 2, ... in time order), period_start, period_end and member_count. -#}
{% macro merge_touching_periods(relation, partition_columns, start_column, end_column) %}
    {%- set partition_by = partition_columns | join(', ') -%}
with

with_reach_so_far as (
    select
        {{ partition_by }},
        {{ start_column }} as member_start,
        {{ end_column }} as member_end,
        max({{ end_column }}) over (
            partition by {{ partition_by }}
            order by {{ start_column }}, {{ end_column }}
            rows between unbounded preceding and 1 preceding
        ) as reach_of_earlier_members
    from {{ relation }}
),

flagged as (
    select
        *,
        case
            when reach_of_earlier_members is null then 1
            when member_start > {{ add_days('reach_of_earlier_members', 1) }} then 1
            else 0
        end as starts_period
    from with_reach_so_far
),

numbered as (
    select
        *,
        sum(starts_period) over (
            partition by {{ partition_by }}
            order by member_start, member_end
            rows between unbounded preceding and current row
        ) as period_number
    from flagged
)

select
    {{ partition_by }},
    period_number,
    min(member_start) as period_start,
    max(member_end) as period_end,
    count(*) as member_count
from numbered
group by {{ partition_by }}, period_number
{% endmacro %}
