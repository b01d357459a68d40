-- The person timeline's events read straight from the staged records (issue 18), each
-- with its landing file and row: every residence permit (what it qualifies for, or that
-- it is a population-register permit), every aid decision (its period and status) and
-- every quarantined person or permit row that holds the person (RULES.md §7). The
-- reimbursements are in their decision-months (int_person_timeline_counting_events).
-- Keyed by insz; fct_person_timeline publishes the events with person_key only, and no
-- personal data of the records (the permit's document number, permit_id, stays in
-- restricted models: its file and row lead to it).
-- A view: fct_person_timeline reads it once, a table would write every event twice.
{{ config(materialized='view') }}
{%- set text = dbt.type_string() %}
with

permits as (
    select * from {{ ref('stg_national_register__residence_permits') }}
),

population_register_permits as (
    select permit_id from {{ ref('int_population_register_permits') }}
),

flow_permit_types as (
    select * from {{ ref('int_rules__flow_permit_types') }}
),

decisions as (
    select * from {{ ref('stg_pod_mi__aid_decisions') }}
),

aid_periods as (
    select * from {{ ref('int_decision_aid_periods') }}
),

unrepaired_rows as (
    select * from {{ ref('int_unrepaired_quarantined_rows') }}
),

permit_flows as (
    select
        permits.permit_id,
        {{ listagg_ordered(measure='flow_permit_types.flow_code', delimiter_text="', '",
            order_by_columns=['flow_permit_types.flow_code']) }} as qualifying_flow_codes
    from permits
    inner join flow_permit_types
        on permits.document_type = flow_permit_types.document_type
            and permits.residence_ground = flow_permit_types.residence_ground
    group by permits.permit_id
),

permit_events as (
    select
        permits.insz,
        'PERMIT' as event_type,
        permits.valid_from as event_start,
        permits.valid_to as event_end,
        permits.document_type as event_code,
        'residence_permits' as source,
        permits.source_file,
        permits.source_row_number,
        case
            when population_register_permits.permit_id is not null then 'POPULATION_REGISTER'
            when permit_flows.permit_id is not null then 'QUALIFYING'
            else 'NO_FLOW'
        end as event_status,
        permits.document_type || ' / ' || permits.residence_ground || ' / ' || permits.register || ' register: '
        || case
            when population_register_permits.permit_id is not null
                then 'a population-register permit: no transfer while it is valid (RULES.md §7)'
            when permit_flows.permit_id is not null then 'qualifies for ' || permit_flows.qualifying_flow_codes
            else 'qualifies for no flow'
        end as event_detail
    from permits
    left join population_register_permits on permits.permit_id = population_register_permits.permit_id
    left join permit_flows on permits.permit_id = permit_flows.permit_id
),

decision_events as (
    select
        decisions.insz,
        'AID_DECISION' as event_type,
        decisions.period_start as event_start,
        decisions.period_end as event_end,
        decisions.benefit_type as event_code,
        decisions.status as event_status,
        decisions.decision_id,
        decisions.ocmw_nis_code,
        decisions.monthly_amount_eur as amount_eur,
        decisions.legal_scheme || ' ' || decisions.aid_form
        || coalesce(', decided on ' || cast(decisions.decision_date as {{ text }}), '')
        || case
            when decisions.status = 'WITHDRAWN' then ': withdrawn, no aid day (RULES.md §2)'
            when aid_periods.has_aid_days
                then ': aid days ' || cast(aid_periods.aid_start as {{ text }}) || ' to '
                    || cast(aid_periods.aid_end as {{ text }})
            else ': no aid day by as_of_date'
        end as event_detail,
        'aid_decisions' as source,
        decisions.source_file,
        decisions.source_row_number
    from decisions
    left join aid_periods on decisions.decision_id = aid_periods.decision_id
),

quarantined_record_events as (
    select
        insz,
        'QUARANTINED_RECORD' as event_type,
        cast(recorded_at as date) as event_start,
        cast(recorded_at as date) as event_end,
        'HELD_DATA_QUALITY' as event_code,
        reason_code as event_status,
        'quarantined ' || source || ' row ' || cast(source_row_number as {{ text }}) || ' (' || reason_code
        || '), recorded ' || cast(recorded_at as {{ text }})
        || ', not repaired by a later good version: holds every transfer of the person (RULES.md §7)'
            as event_detail,
        source,
        source_file,
        source_row_number
    from unrepaired_rows
),

final as (
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'event_code',
            'event_status', 'event_detail', 'source', 'source_file', 'source_row_number']) }}
    from permit_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'event_code',
            'event_status', 'decision_id', 'ocmw_nis_code', 'amount_eur', 'event_detail', 'source', 'source_file',
            'source_row_number']) }}
    from decision_events
    union all
    select
        {{ timeline_event_select(['insz', 'event_type', 'event_start', 'event_end', 'event_code',
            'event_status', 'event_detail', 'source', 'source_file', 'source_row_number']) }}
    from quarantined_record_events
)

select * from final
