{{ config(materialized='view') }}
-- One row per person x flow x episode x threshold criterion x counting mode in which the
-- criterion is met as of as_of_date (RULES.md §5): met on the unit that completes the
-- threshold N -
--   consecutive: the Nth unit of the first run that reaches N;
--   cumulative: the Nth counted unit of the episode;
-- a day criterion on that day, a month criterion on the first counted day of that month.
with

day_runs as (
    select * from {{ ref('int_counted_day_runs_per_criterion') }}
),

counted_months as (
    select * from {{ ref('int_counted_months_per_criterion') }}
),

consecutive_days as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'consecutive' as counting_mode,
        {{ add_days('min(run_start)', 'threshold_value - 1') }} as criterion_met_on
    from day_runs
    where run_days >= threshold_value
    group by insz, flow_code, episode_number, criterion_code, threshold_value
),

-- the segment holding the Nth counted day of the episode
cumulative_days as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'cumulative' as counting_mode,
        {{ add_days('segment_start', 'threshold_value - episode_days_before - 1') }} as criterion_met_on
    from day_runs
    where episode_days_before < threshold_value
        and episode_days_before + day_count >= threshold_value
),

-- the Nth month of a run of at least N; months follow each other in time, so the first
-- such month is the one with the earliest first counted day
consecutive_months as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'consecutive' as counting_mode,
        min(first_counted_day) as criterion_met_on
    from counted_months
    where run_months >= threshold_value and run_month_position = threshold_value
    group by insz, flow_code, episode_number, criterion_code
),

cumulative_months as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'cumulative' as counting_mode,
        first_counted_day as criterion_met_on
    from counted_months
    where episode_month_position = threshold_value
),

final as (
    select * from consecutive_days
    union all
    select * from cumulative_days
    union all
    select * from consecutive_months
    union all
    select * from cumulative_months
)

select * from final
