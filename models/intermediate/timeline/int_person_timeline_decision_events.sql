-- The person timeline's decision events (issue 18): the day each criterion was met, the
-- day each transfer fell due (with the counted units then and as of as_of_date), each
-- criterion not met (on as_of_date, with how far the person got), each exclusion or hold
-- with the fact behind it (RULES.md §7), each delivery to the DVZ or withdrawal in the
-- ledger and in this build's batch (RULES.md §8a), and the person's final status. Keyed by
-- insz; fct_person_timeline publishes the events with person_key only. No personal data
-- of the records (nationality, belgian_since, a permit's number): those stay in restricted
-- models (dim_person_keys; the permit through its landing file and row).
-- A view: fct_person_timeline reads it once, a table would write every event twice.
{{ config(materialized='view') }}
{%- set text = dbt.type_string() %}
with

trace as (
    select * from {{ ref('int_transfer_decision_trace') }}
),

exclusion_evidence as (
    select * from {{ ref('int_transfer_exclusion_evidence') }}
),

episodes as (
    select
        insz,
        flow_code,
        episode_number,
        episode_start
    from {{ ref('int_residence_episodes') }}
),

ledger_events as (
    select * from {{ ref('stg_dvz_ledger__delivery_events') }}
),

batch as (
    select * from {{ ref('dvz_transfer_batch') }}
),

corrections as (
    select * from {{ ref('dvz_transfer_corrections') }}
),

person_statuses as (
    select * from {{ ref('int_person_transfer_evidence') }}
),

met_criteria as (
    select
        *,
        coalesce(counted_days, counted_months) as counted_units_as_of,
        coalesce(counted_days_at_transfer, counted_months_at_transfer) as counted_units_at_transfer,
        case when counted_days is not null then 'day' else 'month' end as counted_unit
    from trace
    where is_criterion_met
),

criterion_met_events as (
    select
        insz,
        'CRITERION_MET' as event_type,
        criterion_met_on as event_start,
        criterion_met_on as event_end,
        flow_code,
        episode_number,
        criterion_code as event_code,
        outcome as event_status,
        criterion_decision_id as decision_id,
        ocmw_nis_code,
        counted_units_as_of as counted_units,
        counted_unit,
        'met on this aid day (' || counting_mode || ' counting'
        || coalesce(', threshold ' || cast(threshold_value as {{ text }}) || ' ' || threshold_unit || '(s)', '')
        || ')'
        || coalesce(
            '; earlier aid: the first counted ' || prior_aid_flow_code || ' day '
            || cast(prior_aid_day as {{ text }}) || ' (decision ' || prior_aid_decision_id || ', paid '
            || cast(prior_aid_paid_date as {{ text }}) || ')', ''
        )
        || '; ' || cast(counted_units_as_of as {{ text }}) || ' ' || counted_unit || '(s) counted up to as_of_date'
            as event_detail
    from met_criteria
),

transfer_due_events as (
    select
        insz,
        'TRANSFER_DUE' as event_type,
        transfer_due_on as event_start,
        transfer_due_on as event_end,
        flow_code,
        episode_number,
        criterion_code as event_code,
        outcome as event_status,
        criterion_decision_id as decision_id,
        ocmw_nis_code,
        counted_units_at_transfer as counted_units,
        counted_unit,
        'due: the criterion holds counting only the units reimbursed by this day (RULES.md §6); '
        || cast(counted_units_at_transfer as {{ text }}) || ' ' || counted_unit || '(s) counted on this day, '
        || cast(counted_units_as_of as {{ text }}) || ' by as_of_date'
        || case
            when is_due_before_catalogue_valid_from
                then '; due before the flows came into force (' || cast(catalogue_valid_from as {{ text }})
                    || '): the catalogue in force on as_of_date applies to the whole history (RULES.md §4)'
            else ''
        end as event_detail
    from met_criteria
),

unmet_criteria as (
    select
        *,
        case
            when threshold_unit = 'day' and counting_mode = 'consecutive' then longest_run_counted_days
            when threshold_unit = 'day' then episode_counted_days
            when threshold_unit = 'month' and counting_mode = 'consecutive' then longest_run_counted_months
            when threshold_unit = 'month' then episode_counted_months
        end as counted_units
    from trace
    where not is_criterion_met
),

criterion_not_met_events as (
    select
        insz,
        'CRITERION_NOT_MET' as event_type,
        as_of_date as event_start,
        as_of_date as event_end,
        flow_code,
        episode_number,
        criterion_code as event_code,
        outcome as event_status,
        counted_units,
        threshold_unit as counted_unit,
        case
            when outcome = 'NO_COUNTED_AID_IN_EPISODE'
                then 'no reimbursed aid of a type this flow counts during the episode'
            when criterion_kind = 'prior_aid'
                then 'no counted leefloon day after a counted ' || prior_aid_flow_code || ' (annex 19/19ter) aid day'
            when counting_mode = 'consecutive'
                then 'longest run '
                    || cast(counted_units as {{ text }})
                    || ' of the '
                    || cast(threshold_value as {{ text }})
                    || ' consecutive ' || threshold_unit || '(s) needed'
            else cast(counted_units as {{ text }}) || ' of the ' || cast(threshold_value as {{ text }}) || ' '
                || threshold_unit || '(s) needed (cumulative)'
        end || ', as of as_of_date' as event_detail
    from unmet_criteria
),

exclusion_events as (
    select
        insz,
        'EXCLUSION' as event_type,
        exclusion_checked_on as event_start,
        exclusion_checked_on as event_end,
        flow_code,
        episode_number,
        exclusion_code as event_code,
        evidence_level as event_status,
        case
            when exclusion_code = 'BELGIAN'
                then 'Belgian on this day, by the person record (its details: dim_person_keys, restricted)'
            when exclusion_code = 'POPULATION_REGISTER'
                then 'population-register permit ' || document_type || ' valid '
                    || cast(fact_start as {{ text }}) || ' to ' || coalesce(cast(fact_end as {{ text }}), 'open')
                    || ' on this day'
            else 'held: quarantined ' || source || ' row ' || cast(source_row_number as {{ text }}) || ' ('
                || reason_code || ') not repaired'
        end
        || case
            when exclusion_fact_count > 1
                then ' (and ' || cast(exclusion_fact_count - 1 as {{ text }}) || ' more such fact(s))'
            else ''
        end
        || case when evidence_level = 'PERSON' then '; the exclusion reason of the person' else '' end
        || ' (RULES.md §7)' as event_detail,
        source,
        source_file,
        source_row_number
    from exclusion_evidence
),

-- RULES.md §8a: the ledger's earlier batches and corrections, and this build's batch
deliveries as (
    select
        insz,
        flow_code,
        episode_start,
        cast(batch_month || '-01' as date) as batch_month_start,
        ledger_event,
        is_late,
        transfer_due_on,
        delivered_in_batch,
        current_status,
        'ledger file of batch ' || batch_month as delivery_origin,
        'dvz_delivery_ledger' as source,
        source_file,
        source_row_number
    from ledger_events
    union all
    select
        insz,
        flow_code,
        episode_start,
        {{ export_batch_month_sql() }} as batch_month_start,
        'DELIVERED' as ledger_event,
        is_late,
        transfer_due_on,
        cast(null as {{ text }}) as delivered_in_batch,
        cast(null as {{ text }}) as current_status,
        'the batch of this build, written to the export folder when the whole build passes' as delivery_origin,
        cast(null as {{ text }}) as source,
        cast(null as {{ text }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_row_number
    from batch
    union all
    select
        insz,
        flow_code,
        episode_start,
        {{ export_batch_month_sql() }} as batch_month_start,
        'WITHDRAWN' as ledger_event,
        cast(null as boolean) as is_late,
        cast(null as date) as transfer_due_on,
        delivered_in_batch,
        current_status,
        'the corrections of this build, written to the export folder when the whole build passes' as delivery_origin,
        cast(null as {{ text }}) as source,
        cast(null as {{ text }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_row_number
    from corrections
),

delivery_events as (
    select
        deliveries.insz,
        'DELIVERY' as event_type,
        deliveries.batch_month_start as event_start,
        {{ month_end('deliveries.batch_month_start') }} as event_end,
        deliveries.flow_code,
        episodes.episode_number,
        deliveries.ledger_event as event_code,
        case
            when deliveries.ledger_event = 'WITHDRAWN' then deliveries.current_status
            when deliveries.is_late then 'LATE'
            else 'ON_TIME'
        end as event_status,
        case
            when deliveries.ledger_event = 'WITHDRAWN'
                then 'withdrawn (delivered in batch ' || deliveries.delivered_in_batch || '; now '
                    || deliveries.current_status || ')'
            else 'delivered, episode from ' || cast(deliveries.episode_start as {{ text }}) || ', due '
                || cast(deliveries.transfer_due_on as {{ text }})
                || case when deliveries.is_late then ', late' else '' end
        end || ': ' || deliveries.delivery_origin as event_detail,
        deliveries.source,
        deliveries.source_file,
        deliveries.source_row_number
    from deliveries
    left join episodes
        on deliveries.insz = episodes.insz
            and deliveries.flow_code = episodes.flow_code
            and deliveries.episode_start = episodes.episode_start
),

person_status_events as (
    select
        insz,
        'PERSON_STATUS' as event_type,
        {{ as_of_date_sql() }} as event_start,
        {{ as_of_date_sql() }} as event_end,
        final_status as event_code,
        exclusion_reason as event_status,
        'final status of the person as of as_of_date (RULES.md §7): ' || final_status
        || coalesce(' / ' || exclusion_reason, '') as event_detail
    from person_statuses
),

final as (
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'event_status', 'decision_id', 'ocmw_nis_code', 'counted_units',
            'counted_unit', 'event_detail']) }}
    from criterion_met_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'event_status', 'decision_id', 'ocmw_nis_code', 'counted_units',
            'counted_unit', 'event_detail']) }}
    from transfer_due_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'event_status', 'counted_units', 'counted_unit', 'event_detail']) }}
    from criterion_not_met_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'event_status', 'event_detail', 'source', 'source_file',
            'source_row_number']) }}
    from exclusion_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'flow_code',
            'episode_number', 'event_code', 'event_status', 'event_detail', 'source', 'source_file',
            'source_row_number']) }}
    from delivery_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'event_code',
            'event_status', 'event_detail']) }}
    from person_status_events
)

select * from final
