{#- Number the runs of a partition's pieces (see the glossary: a run is a maximal stretch
    of units with no gap; pieces that overlap or touch - the next starts at most one unit
    after the reach of those before it - belong to one run). The one gaps-and-islands
    algorithm of the project: residence episodes, distinct aid days, counted-day runs,
    counted-month runs and the units existing at transfer all number their runs here.
    relation: a CTE or relation with the partition columns and inclusive start and end
      (end not null), dates when unit = 'day', whole numbers (a month index, a day
      number) when unit = 'integer'.
    Returns a select of every column of relation plus reach_of_earlier_pieces (the latest
    end among the pieces ordered before, null for the first) and run_number (1, 2, ... in
    the order of start, end; a piece of one unit may pass the same column twice). -#}
{% macro number_runs(relation, partition_columns, start_column, end_column, unit='day') %}
    {%- set partition_by = partition_columns | join(', ') -%}
    {%- set order_by = start_column if start_column == end_column else start_column ~ ', ' ~ end_column -%}
    {%- set unit_after_reach = add_days('reach_of_earlier_pieces', 1) if unit == 'day' else '(reach_of_earlier_pieces + 1)' -%}
select
    with_reach.*,
    -- range, not rows: identical pieces (same start and end) are peers and get one number,
    -- whichever of them the first window happened to put first (only that one can start
    -- a run); with rows, two sorts could order them differently and split their run
    sum(case when reach_of_earlier_pieces is null or {{ start_column }} > {{ unit_after_reach }} then 1 else 0 end) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        range between unbounded preceding and current row
    ) as run_number
from (
    select
        pieces.*,
        max({{ end_column }}) over (
            partition by {{ partition_by }}
            order by {{ order_by }}
            rows between unbounded preceding and 1 preceding
        ) as reach_of_earlier_pieces
    from {{ relation }} as pieces
) as with_reach
{% endmacro %}
