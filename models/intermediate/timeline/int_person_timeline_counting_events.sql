-- The person timeline's counting events (issue 18): every residence episode of every
-- flow (RULES.md §4), every decision-month - or run of months - with why its aid counts
-- or not (int_classified_decision_months, RULES.md §3-5; with the reimbursement row
-- behind its paid date), and every run of consecutive counted units in the flow's unit
-- (days for C1/C2, months otherwise; RULES.md §5). Keyed by insz; fct_person_timeline
-- publishes the events with person_key only.
-- A view: fct_person_timeline reads it once, a table would write every event twice.
{{ config(materialized='view') }}
{%- set text = dbt.type_string() %}
with

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

flows as (
    select
        flow_code,
        counted_unit
    from {{ ref('int_rules__flows_in_force') }}
),

decision_months as (
    select * from {{ ref('int_classified_decision_months') }}
),

day_runs as (
    select distinct
        insz,
        flow_code,
        episode_number,
        run_number,
        run_start,
        run_end,
        run_days
    from {{ ref('int_counted_day_runs') }}
),

counted_months as (
    select * from {{ ref('int_counted_months') }}
),

episode_events as (
    select
        insz,
        'RESIDENCE_EPISODE' as event_type,
        episode_start as event_start,
        episode_end as event_end,
        flow_code,
        episode_number,
        flow_code as event_code,
        cast(permit_count as {{ text }}) || ' qualifying permit(s), merged where they overlap or touch (RULES.md §4)'
        || case when episode_end is null then '; covers as_of_date' else '' end as event_detail
    from episodes
),

decision_month_events as (
    select
        insz,
        'DECISION_MONTH' as event_type,
        coalesce(aid_days_start, first_month) as event_start,
        coalesce(aid_days_end, {{ month_end('last_month') }}) as event_end,
        benefit_type as event_code,
        count_status as event_status,
        decision_id,
        paying_reimbursement_id as reimbursement_id,
        ocmw_nis_code,
        reimbursed_amount_eur as amount_eur,
        paid_date as paid_on,
        month_count as counted_units,
        'month' as counted_unit,
        case
            when reimbursement_count = 0
                then 'no reimbursement recorded for ' || cast(month_count as {{ text }}) || ' month(s) of aid'
            else cast(reimbursement_count as {{ text }}) || ' reimbursement(s)'
                || case
                    when paid_date is not null
                        then '; reimbursed by as_of_date, paid ' || cast(paid_date as {{ text }})
                    else '; net ' || cast(net_amount_paid_by_as_of_date_eur as {{ text }})
                        || ' EUR paid by as_of_date: not reimbursed (RULES.md §3)'
                end
                || case
                    when amount_paid_after_as_of_date_eur <> 0
                        then '; ' || cast(amount_paid_after_as_of_date_eur as {{ text }})
                            || ' EUR paid after as_of_date'
                    else ''
                end
        end
        || coalesce('; counts for ' || first_counted_flow_code, '')
        || case
            when counted_flow_count > 1
                then ' and ' || cast(counted_flow_count - 1 as {{ text }}) || ' other flow(s)'
            else ''
        end as event_detail,
        case when source_file is not null then 'reimbursements' end as source,
        source_file,
        source_row_number
    from decision_months
),

-- RULES.md §5: a run of consecutive counted days (C1, C2) or consecutive calendar months.
day_run_events as (
    select
        day_runs.insz,
        'COUNTED_RUN' as event_type,
        day_runs.run_start as event_start,
        day_runs.run_end as event_end,
        day_runs.flow_code,
        day_runs.episode_number,
        day_runs.flow_code as event_code,
        day_runs.run_days as counted_units,
        'day' as counted_unit,
        'run ' || cast(day_runs.run_number as {{ text }}) || ' of the episode: '
        || cast(day_runs.run_days as {{ text }}) || ' consecutive counted day(s)' as event_detail
    from day_runs
    inner join flows on day_runs.flow_code = flows.flow_code
    where flows.counted_unit = 'day'
),

month_runs as (
    select
        counted_months.insz,
        counted_months.flow_code,
        counted_months.episode_number,
        counted_months.run_number,
        min(counted_months.counted_month) as run_first_month,
        max(counted_months.counted_month) as run_last_month,
        count(*) as run_months
    from counted_months
    inner join flows on counted_months.flow_code = flows.flow_code
    where flows.counted_unit = 'month'
    group by counted_months.insz, counted_months.flow_code, counted_months.episode_number, counted_months.run_number
),

month_run_events as (
    select
        insz,
        'COUNTED_RUN' as event_type,
        run_first_month as event_start,
        {{ month_end('run_last_month') }} as event_end,
        flow_code,
        episode_number,
        flow_code as event_code,
        run_months as counted_units,
        'month' as counted_unit,
        'run ' || cast(run_number as {{ text }}) || ' of the episode: '
        || cast(run_months as {{ text }}) || ' consecutive counted calendar month(s)' as event_detail
    from month_runs
),

final as (
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'event_detail']) }}
    from episode_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'event_code',
            'event_status', 'decision_id', 'reimbursement_id', 'ocmw_nis_code', 'amount_eur', 'paid_on',
            'counted_units', 'counted_unit', 'event_detail', 'source', 'source_file', 'source_row_number']) }}
    from decision_month_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'counted_units', 'counted_unit', 'event_detail']) }}
    from day_run_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'counted_units', 'counted_unit', 'event_detail']) }}
    from month_run_events
)

select * from final
