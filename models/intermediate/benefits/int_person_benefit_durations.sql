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

aid_days as (
    {{ count_distinct_days('aid_periods', ['insz', 'benefit_type'], 'aid_start', 'aid_end') }}
),

-- Each reimbursed period lies inside its aid month (a data test of
-- int_reimbursed_aid_periods), so days are counted per month: the months with a count
-- are the calendar months with a reimbursed aid day, and no day is in two months.
reimbursed_days_by_month as (
    {{ count_distinct_days(
        'reimbursed_periods', ['insz', 'benefit_type', 'aid_month'], 'period_start', 'period_end'
    ) }}
),

reimbursed_days as (
    select
        insz,
        benefit_type,
        sum(distinct_days) as reimbursed_days,
        count(*) as reimbursed_months
    from reimbursed_days_by_month
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
        cast(coalesce(aid_days.distinct_days, 0) as integer) as aid_days,
        cast(coalesce(reimbursed_days.reimbursed_days, 0) as integer) as reimbursed_days,
        cast(coalesce(reimbursed_days.reimbursed_months, 0) as integer) as reimbursed_months,
        cast(coalesce(reimbursed_amounts.reimbursed_amount_eur, 0) as decimal(14, 2)) as reimbursed_amount_eur,
        aid_days.first_day as first_aid_day,
        aid_days.last_day as last_aid_day,
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
