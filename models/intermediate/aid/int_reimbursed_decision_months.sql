-- One row per decision x aid month that is reimbursed as of as_of_date (RULES.md §3):
-- the staged reimbursements of the month paid on or before as_of_date sum to more than
-- zero; its paid date is the earliest paid_on among those with a positive amount.
with

reimbursements as (
    select * from {{ ref('stg_pod_mi__reimbursements') }}
    where paid_on <= {{ as_of_date_sql() }}
),

decision_months as (
    select
        decision_id,
        aid_month,
        sum(amount_eur) as net_amount_eur,
        min(case when amount_eur > 0 then paid_on end) as paid_date,
        count(*) as reimbursement_count
    from reimbursements
    group by decision_id, aid_month
),

final as (
    select * from decision_months
    where net_amount_eur > 0
)

select * from final
