-- Why each month of aid counts for a transfer or not (RULES.md §3-5): one row per
-- decision x aid month holding a staged reimbursement (paid or not, any amount) and per
-- run of aid months holding none (int_unreimbursed_decision_month_runs), with the
-- reimbursement facts (how many, net amount paid by as_of_date, paid date and the landing
-- row behind it, amounts paid later) and a count status, the first that applies:
--   NO_AID_DAYS - the decision grants no aid day in the month (withdrawn, or outside its
--     period or after as_of_date): a reimbursement of nothing;
--   NEVER_COUNTED_BENEFIT_TYPE - no flow counts the benefit type (medical aid, employment);
--   COUNTED / OUTSIDE_EVERY_EPISODE - reimbursed by as_of_date, and some reimbursed day lies
--     (or none lies) inside an episode of a flow counting the type;
--   PAID_AFTER_AS_OF_DATE - not reimbursed by as_of_date, but a positive reimbursement is
--     paid later;
--   NOT_REIMBURSED - otherwise (no reimbursement, or a net sum of zero or less).
with

decisions as (
    select * from {{ ref('stg_pod_mi__aid_decisions') }}
),

aid_periods as (
    select * from {{ ref('int_decision_aid_periods') }}
    where has_aid_days
),

reimbursements as (
    select * from {{ ref('stg_pod_mi__reimbursements') }}
),

reimbursed_months as (
    select * from {{ ref('int_reimbursed_decision_months') }}
),

reimbursed_periods as (
    select * from {{ ref('int_reimbursed_aid_periods') }}
),

months_without_reimbursement as (
    select * from {{ ref('int_unreimbursed_decision_month_runs') }}
),

flow_benefit_types as (
    select * from {{ ref('int_rules__flow_benefit_types') }}
),

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

counted_benefit_types as (
    select distinct benefit_type from flow_benefit_types
),

reimbursement_facts as (
    select
        decision_id,
        aid_month,
        count(*) as reimbursement_count,
        min(source_row_number) as first_source_row_number,
        sum(case when paid_on <= {{ as_of_date_sql() }} then amount_eur else 0 end)
            as net_amount_paid_by_as_of_date_eur,
        sum(case when paid_on > {{ as_of_date_sql() }} then amount_eur else 0 end)
            as amount_paid_after_as_of_date_eur,
        min(case when paid_on > {{ as_of_date_sql() }} and amount_eur > 0 then paid_on end)
            as first_positive_paid_after_as_of_date
    from reimbursements
    group by decision_id, aid_month
),

-- The landing row behind the paid date: the positive reimbursement paid on it (the first
-- in the file when several were); a month not reimbursed names its first row instead.
-- Joined and grouped rather than ranked over every reimbursement (ADR 0012).
paying_rows as (
    select
        reimbursements.decision_id,
        reimbursements.aid_month,
        min(reimbursements.source_row_number) as paying_source_row_number
    from reimbursements
    inner join reimbursed_months
        on reimbursements.decision_id = reimbursed_months.decision_id
            and reimbursements.aid_month = reimbursed_months.aid_month
            and reimbursements.paid_on = reimbursed_months.paid_date
    where reimbursements.amount_eur > 0
    group by reimbursements.decision_id, reimbursements.aid_month
),

-- RULES.md §5: the flows in whose episodes a reimbursed day of the decision-month counts.
counted_flows as (
    select distinct
        reimbursed_periods.decision_id,
        reimbursed_periods.aid_month,
        episodes.flow_code
    from reimbursed_periods
    inner join flow_benefit_types
        on reimbursed_periods.benefit_type = flow_benefit_types.benefit_type
    inner join episodes
        on reimbursed_periods.insz = episodes.insz
            and flow_benefit_types.flow_code = episodes.flow_code
            and reimbursed_periods.period_start <= episodes.episode_last_day
            and reimbursed_periods.period_end >= episodes.episode_start
),

-- The first flow by code and how many: a list would need an ordered string aggregate,
-- about a second per 300,000 months on DuckDB.
counted_flow_summaries as (
    select
        decision_id,
        aid_month,
        min(flow_code) as first_counted_flow_code,
        count(*) as counted_flow_count
    from counted_flows
    group by decision_id, aid_month
),

month_rows as (
    select
        reimbursement_facts.*,
        coalesce(paying_rows.paying_source_row_number, reimbursement_facts.first_source_row_number)
            as source_row_number
    from reimbursement_facts
    left join paying_rows
        on reimbursement_facts.decision_id = paying_rows.decision_id
            and reimbursement_facts.aid_month = paying_rows.aid_month
),

months_with_reimbursement as (
    select
        decisions.insz,
        decisions.decision_id,
        decisions.benefit_type,
        decisions.ocmw_nis_code,
        month_rows.aid_month as first_month,
        month_rows.aid_month as last_month,
        1 as month_count,
        case
            when aid_periods.aid_start <= {{ month_end('month_rows.aid_month') }}
                and aid_periods.aid_end >= month_rows.aid_month
                then greatest(aid_periods.aid_start, month_rows.aid_month)
        end as aid_days_start,
        case
            when aid_periods.aid_start <= {{ month_end('month_rows.aid_month') }}
                and aid_periods.aid_end >= month_rows.aid_month
                then least(aid_periods.aid_end, {{ month_end('month_rows.aid_month') }})
        end as aid_days_end,
        month_rows.reimbursement_count,
        reimbursed_months.net_amount_eur as reimbursed_amount_eur,
        reimbursed_months.paid_date,
        month_rows.net_amount_paid_by_as_of_date_eur,
        month_rows.amount_paid_after_as_of_date_eur,
        month_rows.first_positive_paid_after_as_of_date,
        month_reimbursements.reimbursement_id as paying_reimbursement_id,
        month_reimbursements.source_file,
        month_rows.source_row_number,
        counted_flow_summaries.first_counted_flow_code,
        coalesce(counted_flow_summaries.counted_flow_count, 0) as counted_flow_count
    from month_rows
    inner join decisions on month_rows.decision_id = decisions.decision_id
    inner join reimbursements as month_reimbursements
        on month_rows.source_row_number = month_reimbursements.source_row_number
    left join aid_periods on month_rows.decision_id = aid_periods.decision_id
    left join reimbursed_months
        on month_rows.decision_id = reimbursed_months.decision_id
            and month_rows.aid_month = reimbursed_months.aid_month
    left join counted_flow_summaries
        on month_rows.decision_id = counted_flow_summaries.decision_id
            and month_rows.aid_month = counted_flow_summaries.aid_month
),

runs_without_reimbursement as (
    select
        insz,
        decision_id,
        benefit_type,
        ocmw_nis_code,
        first_month,
        last_month,
        month_count,
        aid_days_start,
        aid_days_end,
        0 as reimbursement_count,
        cast(null as {{ dbt.type_numeric() }}) as reimbursed_amount_eur,
        cast(null as date) as paid_date,
        cast(null as {{ dbt.type_numeric() }}) as net_amount_paid_by_as_of_date_eur,
        cast(null as {{ dbt.type_numeric() }}) as amount_paid_after_as_of_date_eur,
        cast(null as date) as first_positive_paid_after_as_of_date,
        cast(null as {{ dbt.type_string() }}) as paying_reimbursement_id,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_row_number,
        cast(null as {{ dbt.type_string() }}) as first_counted_flow_code,
        0 as counted_flow_count
    from months_without_reimbursement
),

decision_months as (
    select * from months_with_reimbursement
    union all
    select * from runs_without_reimbursement
),

final as (
    select
        decision_months.*,
        case
            when decision_months.aid_days_start is null then 'NO_AID_DAYS'
            when counted_benefit_types.benefit_type is null then 'NEVER_COUNTED_BENEFIT_TYPE'
            when decision_months.paid_date is not null and decision_months.counted_flow_count > 0 then 'COUNTED'
            when decision_months.paid_date is not null then 'OUTSIDE_EVERY_EPISODE'
            when decision_months.first_positive_paid_after_as_of_date is not null then 'PAID_AFTER_AS_OF_DATE'
            else 'NOT_REIMBURSED'
        end as count_status
    from decision_months
    left join counted_benefit_types on decision_months.benefit_type = counted_benefit_types.benefit_type
)

select * from final
