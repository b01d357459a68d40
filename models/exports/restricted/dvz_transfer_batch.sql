-- Batch M of the DVZ delivery (RULES.md §8a; M = var export_batch_month, default the
-- month of as_of_date): every TRANSFER row of fct_transfer_eligibility due by the last day
-- of M whose delivery key (insz, flow_code, episode_start) is not DELIVERED in the ledger
-- of the months before M, so a row that became TRANSFER after its month's batch had gone
-- goes out now, marked late. Only what the DVZ needs (RULES.md §8): the insz, flow,
-- criterion, residence episode, due date, aid period, counted duration, reimbursed amount
-- and OCMW. Facts, never a recommendation. Written to files by publish_dvz_delivery_files
-- after the whole build passed. Restricted: carries the insz.
with

eligibility as (
    select * from {{ ref('fct_transfer_eligibility') }}
),

delivered_keys as (
    select
        insz,
        flow_code,
        episode_start
    from {{ ref('int_delivery_ledger_states') }}
    where ledger_state = 'DELIVERED'
),

statuses as (
    select * from {{ ref('int_transfer_eligibility_statuses') }}
),

counted_segments as (
    select * from {{ ref('int_counted_day_segments') }}
),

reimbursed_months as (
    select * from {{ ref('int_reimbursed_decision_months') }}
),

batch_rows as (
    select
        eligibility.insz,
        eligibility.flow_code,
        eligibility.criterion_code,
        statuses.episode_number,
        eligibility.episode_start,
        eligibility.episode_end,
        eligibility.transfer_due_on,
        eligibility.transfer_due_on < {{ export_batch_month_sql() }} as is_late,
        eligibility.counted_days,
        eligibility.counted_months,
        eligibility.ocmw_nis_code
    from eligibility
    inner join statuses
        on
            eligibility.insz = statuses.insz
            and eligibility.flow_code = statuses.flow_code
            and eligibility.episode_start = statuses.episode_start
    left join delivered_keys
        on
            eligibility.insz = delivered_keys.insz
            and eligibility.flow_code = delivered_keys.flow_code
            and eligibility.episode_start = delivered_keys.episode_start
    where
        eligibility.transfer_status = 'TRANSFER'
        and eligibility.transfer_due_on <= {{ month_end(export_batch_month_sql()) }}
        and delivered_keys.insz is null
),

-- The counted day segments (RULES.md §5) of the batch rows' episodes only: the batch is a
-- small slice of the segments, so it is cut before anything is grouped.
batch_segments as (
    select
        counted_segments.insz,
        counted_segments.flow_code,
        counted_segments.episode_number,
        counted_segments.decision_id,
        counted_segments.segment_start,
        counted_segments.segment_end
    from counted_segments
    inner join batch_rows
        on
            counted_segments.insz = batch_rows.insz
            and counted_segments.flow_code = batch_rows.flow_code
            and counted_segments.episode_number = batch_rows.episode_number
),

-- The aid period: first and last counted aid day of the flow in the episode (RULES.md §5).
aid_periods as (
    select
        insz,
        flow_code,
        episode_number,
        min(segment_start) as aid_period_start,
        max(segment_end) as aid_period_end
    from batch_segments
    group by insz, flow_code, episode_number
),

-- The reimbursed decision-months (RULES.md §3) that give the episode a counted day.
counted_decision_months as (
    select distinct
        insz,
        flow_code,
        episode_number,
        decision_id,
        {{ month_start('segment_start') }} as aid_month
    from batch_segments
),

reimbursed_amounts as (
    select
        counted_decision_months.insz,
        counted_decision_months.flow_code,
        counted_decision_months.episode_number,
        sum(reimbursed_months.net_amount_eur) as reimbursed_amount_eur
    from counted_decision_months
    inner join reimbursed_months
        on
            counted_decision_months.decision_id = reimbursed_months.decision_id
            and counted_decision_months.aid_month = reimbursed_months.aid_month
    group by counted_decision_months.insz, counted_decision_months.flow_code, counted_decision_months.episode_number
),

final as (
    select
        batch_rows.insz,
        batch_rows.flow_code,
        batch_rows.criterion_code,
        batch_rows.episode_start,
        batch_rows.episode_end,
        batch_rows.transfer_due_on,
        batch_rows.is_late,
        aid_periods.aid_period_start,
        aid_periods.aid_period_end,
        batch_rows.counted_days,
        batch_rows.counted_months,
        cast(reimbursed_amounts.reimbursed_amount_eur as decimal(12, 2)) as reimbursed_amount_eur,
        batch_rows.ocmw_nis_code
    from batch_rows
    left join aid_periods
        on
            batch_rows.insz = aid_periods.insz
            and batch_rows.flow_code = aid_periods.flow_code
            and batch_rows.episode_number = aid_periods.episode_number
    left join reimbursed_amounts
        on
            batch_rows.insz = reimbursed_amounts.insz
            and batch_rows.flow_code = reimbursed_amounts.flow_code
            and batch_rows.episode_number = reimbursed_amounts.episode_number
)

select * from final
