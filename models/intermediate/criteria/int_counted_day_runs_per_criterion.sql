{{ config(materialized='view') }}
-- The counted-day segments with their runs (int_counted_day_runs), once per day-threshold
-- criterion of their flow (LEEFLOON_90_DAYS, RULES.md §5) with its threshold N: the one
-- input of the day criteria's met and due models.
with

criteria as (
    select
        flow_code,
        criterion_code,
        threshold_value
    from {{ ref('int_rules__criteria_in_force') }}
    where criterion_kind = 'threshold' and threshold_unit = 'day'
),

final as (
    select
        runs.insz,
        runs.flow_code,
        runs.episode_number,
        runs.run_number,
        runs.segment_start,
        runs.segment_end,
        runs.day_count,
        runs.paid_date,
        runs.decision_id,
        runs.ocmw_nis_code,
        runs.episode_days_before,
        runs.run_start,
        runs.run_end,
        runs.run_days,
        runs.episode_days,
        criteria.criterion_code,
        criteria.threshold_value
    from {{ ref('int_counted_day_runs') }} as runs
    inner join criteria on runs.flow_code = criteria.flow_code
)

select * from final
