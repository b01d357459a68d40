-- One row per person x flow x episode x month-threshold criterion x counting mode in
-- which the criterion is met as of as_of_date (RULES.md §5-6), both modes evaluated:
--   consecutive: met on the first counted day of the Nth month of the first run of N
--     consecutive counted months; due on the earliest date by which some N consecutive
--     counted months all exist;
--   cumulative: met on the first counted day of the Nth counted month of the episode;
--     due on the date the Nth counted month comes to exist.
with

criteria as (
    select
        flow_code,
        criterion_code,
        threshold_value
    from {{ ref('int_rules__criteria_in_force') }}
    where criterion_kind = 'threshold' and threshold_unit = 'month'
),

counted_months as (
    select
        months.*,
        criteria.criterion_code,
        criteria.threshold_value
    from {{ ref('int_counted_months') }} as months
    inner join criteria on months.flow_code = criteria.flow_code
),

-- consecutive mode ---------------------------------------------------------------

consecutive_met as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        first_counted_day as criterion_met_on,
        row_number() over (
            partition by insz, flow_code, episode_number, criterion_code order by month_index
        ) as met_rank
    from counted_months
    where run_months >= threshold_value and run_month_position = threshold_value
),

window_existence as (
    select
        window_first.insz,
        window_first.flow_code,
        window_first.episode_number,
        window_first.criterion_code,
        window_first.month_index,
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

consecutive_due as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        min(window_exists_on) as transfer_due_on
    from window_existence
    group by insz, flow_code, episode_number, criterion_code
),

consecutive as (
    select
        consecutive_met.insz,
        consecutive_met.flow_code,
        consecutive_met.episode_number,
        consecutive_met.criterion_code,
        'consecutive' as counting_mode,
        consecutive_met.criterion_met_on,
        consecutive_due.transfer_due_on
    from consecutive_met
    inner join consecutive_due
        on consecutive_met.insz = consecutive_due.insz
            and consecutive_met.flow_code = consecutive_due.flow_code
            and consecutive_met.episode_number = consecutive_due.episode_number
            and consecutive_met.criterion_code = consecutive_due.criterion_code
    where consecutive_met.met_rank = 1
),

-- cumulative mode ----------------------------------------------------------------

cumulative_met as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        first_counted_day as criterion_met_on
    from counted_months
    where episode_month_position = threshold_value
),

existence_ranked as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        month_exists_on,
        row_number() over (
            partition by insz, flow_code, episode_number, criterion_code
            order by month_exists_on, month_index
        ) as existence_rank
    from counted_months
),

cumulative_due as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        month_exists_on as transfer_due_on
    from existence_ranked
    where existence_rank = threshold_value
),

cumulative as (
    select
        cumulative_met.insz,
        cumulative_met.flow_code,
        cumulative_met.episode_number,
        cumulative_met.criterion_code,
        'cumulative' as counting_mode,
        cumulative_met.criterion_met_on,
        cumulative_due.transfer_due_on
    from cumulative_met
    inner join cumulative_due
        on cumulative_met.insz = cumulative_due.insz
            and cumulative_met.flow_code = cumulative_due.flow_code
            and cumulative_met.episode_number = cumulative_due.episode_number
            and cumulative_met.criterion_code = cumulative_due.criterion_code
),

final as (
    select * from consecutive
    union all
    select * from cumulative
)

select * from final
