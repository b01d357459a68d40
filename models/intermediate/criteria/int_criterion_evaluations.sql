-- One row per person x flow x episode x criterion x counting mode in which the criterion
-- is met as of as_of_date, with its evidence (RULES.md §5): the counted units - for
-- day flows (C1, C2) counted days, for the others counted months; in consecutive mode the
-- run containing criterion_met_on, in cumulative mode the whole episode - and the OCMW
-- of the decision that gives criterion_met_on its counted day (earliest paid date, then
-- smallest decision_id). Both counting modes are kept, so the trace can show each;
-- is_in_applicable_counting_mode marks the one the flow uses, read by every later step.
with

-- the date each criterion is met, and the date it is due, one algorithm per model
met_criteria as (
    select * from {{ ref('int_criteria_met__nth_unit') }}
    union all
    select * from {{ ref('int_criteria_met__prior_aid') }}
),

due_criteria as (
    select * from {{ ref('int_criteria_due__day_window') }}
    union all
    select * from {{ ref('int_criteria_due__nth_existing_day') }}
    union all
    select * from {{ ref('int_criteria_due__month_window') }}
    union all
    select * from {{ ref('int_criteria_due__nth_existing_month') }}
    union all
    select * from {{ ref('int_criteria_due__prior_aid') }}
),

-- the one join of a met date with its due date
met_and_due as (
    select
        met_criteria.insz,
        met_criteria.flow_code,
        met_criteria.episode_number,
        met_criteria.criterion_code,
        met_criteria.counting_mode,
        met_criteria.criterion_met_on,
        due_criteria.transfer_due_on
    from met_criteria
    inner join due_criteria
        on met_criteria.insz = due_criteria.insz
            and met_criteria.flow_code = due_criteria.flow_code
            and met_criteria.episode_number = due_criteria.episode_number
            and met_criteria.criterion_code = due_criteria.criterion_code
            and met_criteria.counting_mode = due_criteria.counting_mode
),

flows as (
    select
        flow_code,
        counting_mode,
        counted_unit
    from {{ ref('int_rules__flows_in_force') }}
),

day_runs as (
    select * from {{ ref('int_counted_day_runs') }}
),

counted_months as (
    select * from {{ ref('int_counted_months') }}
),

with_evidence as (
    select
        met_and_due.insz,
        met_and_due.flow_code,
        met_and_due.episode_number,
        met_and_due.criterion_code,
        met_and_due.counting_mode,
        met_and_due.criterion_met_on,
        met_and_due.transfer_due_on,
        flows.counted_unit,
        day_runs.decision_id,
        day_runs.ocmw_nis_code,
        day_runs.paid_date as criterion_day_paid_date,
        -- the one place that says which evaluation applies (RULES.md §5): the flow's mode
        met_and_due.counting_mode = flows.counting_mode as is_in_applicable_counting_mode,
        case
            when flows.counted_unit <> 'day' then null
            when met_and_due.counting_mode = 'consecutive' then day_runs.run_days
            else day_runs.episode_days
        end as counted_days,
        case
            when flows.counted_unit <> 'month' then null
            when met_and_due.counting_mode = 'consecutive' then counted_months.run_months
            else counted_months.episode_months
        end as counted_months
    from met_and_due
    inner join flows on met_and_due.flow_code = flows.flow_code
    inner join day_runs
        on met_and_due.insz = day_runs.insz
            and met_and_due.flow_code = day_runs.flow_code
            and met_and_due.episode_number = day_runs.episode_number
            and met_and_due.criterion_met_on >= day_runs.segment_start
            and met_and_due.criterion_met_on <= day_runs.segment_end
    inner join counted_months
        on met_and_due.insz = counted_months.insz
            and met_and_due.flow_code = counted_months.flow_code
            and met_and_due.episode_number = counted_months.episode_number
            and counted_months.counted_month = {{ month_start('met_and_due.criterion_met_on') }}
)

select * from with_evidence
