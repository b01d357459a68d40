-- RULES.md §3: only reimbursed aid days count ("for which POD MI has reimbursed"). Every
-- counted day must lie in an aid period of a GRANTED decision and in a month whose
-- staged reimbursements paid by as_of_date sum to more than zero, with a paid date on
-- or before as_of_date. Recomputed here from the staged reimbursements, for the
-- decision-months that hold a counted day (the only totals the check reads).
with

counted_decision_months as (
    select distinct
        decision_id,
        {{ month_start('segment_start') }} as aid_month
    from {{ ref('int_counted_day_segments') }}
),

month_totals as (
    select
        reimbursements.decision_id,
        reimbursements.aid_month,
        sum(reimbursements.amount_eur) as net_amount_eur
    from {{ ref('stg_pod_mi__reimbursements') }} as reimbursements
    inner join counted_decision_months
        on reimbursements.decision_id = counted_decision_months.decision_id
            and reimbursements.aid_month = counted_decision_months.aid_month
    where reimbursements.paid_on <= {{ as_of_date_sql() }}
    group by reimbursements.decision_id, reimbursements.aid_month
)

select
    segments.insz,
    segments.flow_code,
    segments.segment_start,
    segments.segment_end,
    segments.decision_id,
    segments.paid_date,
    month_totals.net_amount_eur,
    decisions.status,
    decisions.period_start,
    decisions.period_end
from {{ ref('int_counted_day_segments') }} as segments
inner join {{ ref('stg_pod_mi__aid_decisions') }} as decisions
    on segments.decision_id = decisions.decision_id
left join month_totals
    on segments.decision_id = month_totals.decision_id
        and month_totals.aid_month = {{ month_start('segments.segment_start') }}
where coalesce(month_totals.net_amount_eur, 0) <= 0
    or decisions.status <> 'GRANTED'
    or segments.segment_start < decisions.period_start
    or segments.segment_end > coalesce(decisions.period_end, {{ as_of_date_sql() }})
    or segments.segment_end > {{ as_of_date_sql() }}
    or segments.paid_date > {{ as_of_date_sql() }}
    or {{ month_start('segments.segment_start') }} <> {{ month_start('segments.segment_end') }}
