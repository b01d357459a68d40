-- One row per reimbursed decision-month that has aid days: the reimbursed aid days of
-- that decision in that month as one period, with the month's paid date (RULES.md §3: a
-- reimbursed aid day is an aid day whose decision-month is reimbursed). Periods rather
-- than one row per day keep national volumes small (docs/decisions).
with

aid_periods as (
    select * from {{ ref('int_decision_aid_periods') }}
    where has_aid_days
),

reimbursed_months as (
    select * from {{ ref('int_reimbursed_decision_months') }}
),

intersected as (
    select
        aid_periods.insz,
        aid_periods.decision_id,
        aid_periods.ocmw_nis_code,
        aid_periods.benefit_type,
        reimbursed_months.aid_month,
        reimbursed_months.paid_date,
        case
            when aid_periods.aid_start > reimbursed_months.aid_month then aid_periods.aid_start
            else reimbursed_months.aid_month
        end as period_start,
        case
            when aid_periods.aid_end < {{ month_end('reimbursed_months.aid_month') }} then aid_periods.aid_end
            else {{ month_end('reimbursed_months.aid_month') }}
        end as period_end
    from aid_periods
    inner join reimbursed_months on aid_periods.decision_id = reimbursed_months.decision_id
),

final as (
    select * from intersected
    where period_start <= period_end
)

select * from final
