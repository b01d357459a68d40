-- One row per person x benefit type over the person's staged GRANTED decisions
-- (CONTRACT.md §3, RULES.md §9): distinct aid days, distinct reimbursed aid days,
-- calendar months with a reimbursed aid day, the net reimbursed amount, and the first and
-- last aid day. Every benefit type counts here, the never-counted ones included: this
-- mart describes aid, not transfers. Keyed by insz here; fct_person_benefit_durations
-- publishes it with person_key only.
with

decisions as (
    select * from {{ ref('int_decision_aid_periods') }}
),

reimbursed_periods as (
    select * from {{ ref('int_reimbursed_aid_periods') }}
),

reimbursements as (
    select * from {{ ref('stg_pod_mi__reimbursements') }}
    where paid_on <= {{ as_of_date_sql() }}
),

person_benefit_types as (
    select distinct
        insz,
        benefit_type
    from decisions
),

aid_periods as (
    select
        insz,
        benefit_type,
        aid_start,
        aid_end
    from decisions
    where has_aid_days
),

merged_aid_periods as (
    {{ merge_touching_periods('aid_periods', ['insz', 'benefit_type'], 'aid_start', 'aid_end') }}
),

aid_days as (
    select
        insz,
        benefit_type,
        sum({{ days_between('period_start', 'period_end') }} + 1) as aid_days,
        min(period_start) as first_aid_day,
        max(period_end) as last_aid_day
    from merged_aid_periods
    group by insz, benefit_type
),

-- Each reimbursed interval lies inside its aid month, so the distinct reimbursed days of a
-- month are the union of that month's day masks, and months never overlap: one grouping,
-- no window over the 15.8 M intervals of 1,000,000 persons (ADR 0012).
reimbursed_month_masks as (
    select
        insz,
        benefit_type,
        aid_month,
        bit_or({{ days_of_month_mask('period_start', 'period_end') }}) as reimbursed_day_mask
    from reimbursed_periods
    group by insz, benefit_type, aid_month
),

reimbursed_days as (
    select
        insz,
        benefit_type,
        sum({{ count_set_bits('reimbursed_day_mask') }}) as reimbursed_days,
        count(*) as reimbursed_months
    from reimbursed_month_masks
    group by insz, benefit_type
),

-- summed per decision first: the join then meets one row per decision, not per reimbursement
reimbursed_amounts_by_decision as (
    select
        decision_id,
        sum(amount_eur) as reimbursed_amount_eur
    from reimbursements
    group by decision_id
),

reimbursed_amounts as (
    select
        decisions.insz,
        decisions.benefit_type,
        sum(reimbursed_amounts_by_decision.reimbursed_amount_eur) as reimbursed_amount_eur
    from reimbursed_amounts_by_decision
    inner join decisions on reimbursed_amounts_by_decision.decision_id = decisions.decision_id
    group by decisions.insz, decisions.benefit_type
),

final as (
    select
        person_benefit_types.insz,
        {{ person_key('person_benefit_types.insz') }} as person_key,
        person_benefit_types.benefit_type,
        cast(coalesce(aid_days.aid_days, 0) as integer) as aid_days,
        cast(coalesce(reimbursed_days.reimbursed_days, 0) as integer) as reimbursed_days,
        cast(coalesce(reimbursed_days.reimbursed_months, 0) as integer) as reimbursed_months,
        cast(coalesce(reimbursed_amounts.reimbursed_amount_eur, 0) as decimal(14, 2)) as reimbursed_amount_eur,
        aid_days.first_aid_day,
        aid_days.last_aid_day,
        {{ as_of_date_sql() }} as as_of_date
    from person_benefit_types
    left join aid_days
        on person_benefit_types.insz = aid_days.insz
            and person_benefit_types.benefit_type = aid_days.benefit_type
    left join reimbursed_days
        on person_benefit_types.insz = reimbursed_days.insz
            and person_benefit_types.benefit_type = reimbursed_days.benefit_type
    left join reimbursed_amounts
        on person_benefit_types.insz = reimbursed_amounts.insz
            and person_benefit_types.benefit_type = reimbursed_amounts.benefit_type
)

select * from final
