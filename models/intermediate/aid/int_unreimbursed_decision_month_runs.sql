-- One row per granted decision x run of consecutive calendar months in which the decision
-- has aid days (up to as_of_date) but no staged reimbursement at all, paid or not: months
-- POD MI never reimbursed, so none of their days counts (RULES.md §3). Runs rather than
-- one row per month: no month calendar is needed, and an auditor reads "not reimbursed
-- from March to May" as one fact. Months with a reimbursement, reimbursed or not, are
-- classified one by one in int_classified_decision_months.
with

aid_periods as (
    select * from {{ ref('int_decision_aid_periods') }}
    where has_aid_days
),

reimbursements as (
    select * from {{ ref('stg_pod_mi__reimbursements') }}
),

aid_month_ranges as (
    select
        decision_id,
        insz,
        benefit_type,
        ocmw_nis_code,
        aid_start,
        aid_end,
        {{ month_start('aid_start') }} as first_aid_month,
        {{ month_index('aid_start') }} as first_month_index,
        {{ month_index('aid_end') }} as last_month_index
    from aid_periods
),

reimbursement_months as (
    select distinct
        decision_id,
        {{ month_index('aid_month') }} as month_index
    from reimbursements
),

-- The months holding a reimbursement, framed by the month before the first aid month and
-- the month after the last one: every gap between two neighbours is a run without one.
boundaries as (
    select
        aid_month_ranges.decision_id,
        reimbursement_months.month_index
    from aid_month_ranges
    inner join reimbursement_months
        on aid_month_ranges.decision_id = reimbursement_months.decision_id
            and aid_month_ranges.first_month_index <= reimbursement_months.month_index
            and aid_month_ranges.last_month_index >= reimbursement_months.month_index
    union all
    select
        decision_id,
        first_month_index - 1 as month_index
    from aid_month_ranges
    union all
    select
        decision_id,
        last_month_index + 1 as month_index
    from aid_month_ranges
),

with_previous as (
    select
        decision_id,
        month_index,
        lag(month_index) over (partition by decision_id order by month_index) as previous_month_index
    from boundaries
),

gaps as (
    select
        decision_id,
        previous_month_index + 1 as gap_first_index,
        month_index - 1 as gap_last_index
    from with_previous
    where month_index - previous_month_index > 1
),

gap_months as (
    select
        aid_month_ranges.insz,
        aid_month_ranges.decision_id,
        aid_month_ranges.benefit_type,
        aid_month_ranges.ocmw_nis_code,
        aid_month_ranges.aid_start,
        aid_month_ranges.aid_end,
        gaps.gap_last_index - gaps.gap_first_index + 1 as month_count,
        cast({{ dbt.dateadd('month', 'gaps.gap_first_index - aid_month_ranges.first_month_index',
            'aid_month_ranges.first_aid_month') }} as date) as first_month,
        cast({{ dbt.dateadd('month', 'gaps.gap_last_index - aid_month_ranges.first_month_index',
            'aid_month_ranges.first_aid_month') }} as date) as last_month
    from gaps
    inner join aid_month_ranges on gaps.decision_id = aid_month_ranges.decision_id
),

final as (
    select
        insz,
        decision_id,
        benefit_type,
        ocmw_nis_code,
        first_month,
        last_month,
        month_count,
        greatest(aid_start, first_month) as aid_days_start,
        least(aid_end, {{ month_end('last_month') }}) as aid_days_end
    from gap_months
)

select * from final
