{{ config(materialized='view') }}
-- One row per person x flow x episode x month-threshold criterion met in consecutive mode
-- (RULES.md §6): due on the earliest date by which some window of N consecutive counted
-- months all exist - possibly in a later run than the one that met the criterion. A
-- counted month exists from the earliest, over its counted days, of the later of the day
-- and its paid date.
with

counted_months as (
    select * from {{ ref('int_counted_months_per_criterion') }}
    where run_months >= threshold_value
),

-- every window of N months starting at a counted month and lying in its run
window_existence as (
    select
        window_first.insz,
        window_first.flow_code,
        window_first.episode_number,
        window_first.criterion_code,
        window_first.month_index as window_start,
        max(window_month.month_exists_on) as window_exists_on
    from counted_months as window_first
    inner join counted_months as window_month
        on window_first.insz = window_month.insz
            and window_first.flow_code = window_month.flow_code
            and window_first.episode_number = window_month.episode_number
            and window_first.criterion_code = window_month.criterion_code
            and window_first.run_number = window_month.run_number
            and window_first.month_index <= window_month.month_index
            and window_month.month_index <= window_first.month_index + window_first.threshold_value - 1
    group by
        window_first.insz, window_first.flow_code, window_first.episode_number,
        window_first.criterion_code, window_first.month_index, window_first.threshold_value
    having count(*) = window_first.threshold_value
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'consecutive' as counting_mode,
        min(window_exists_on) as transfer_due_on
    from window_existence
    group by insz, flow_code, episode_number, criterion_code
)

select * from final
