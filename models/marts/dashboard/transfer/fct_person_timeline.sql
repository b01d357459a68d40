-- The auditor's timeline (issue 18): every event of a person on one ordered list - permits
-- and residence episodes, aid decisions, each decision-month with why its aid counts or
-- not, reimbursements, runs of counted units, the day each criterion was met and each
-- transfer fell due, each exclusion or hold with the fact behind it, each delivery to the
-- DVZ, and the person's final status - each with its landing file and row where it comes
-- from one. One query answers "why" for any person, transferred or not. Pseudonymised:
-- person_key only (RULES.md §8), found from the insz in the restricted dim_person_keys.
with

record_events as (
    select * from {{ ref('int_person_timeline_record_events') }}
),

counting_events as (
    select * from {{ ref('int_person_timeline_counting_events') }}
),

decision_events as (
    select * from {{ ref('int_person_timeline_decision_events') }}
),

event_types as (
    select * from {{ ref('ref_timeline_event_types') }}
),

person_keys as (
    select
        insz,
        person_key
    from {{ ref('dim_person_keys') }}
),

events as (
    select * from record_events
    union all
    select * from counting_events
    union all
    select * from decision_events
),

ordered as (
    select
        events.*,
        person_keys.person_key,
        event_types.event_lane,
        event_types.sort_rank
    -- left joins: an event without a person key or a known type fails the mart's not-null
    -- tests instead of vanishing
    from events
    left join person_keys on events.insz = person_keys.insz
    left join event_types on events.event_type = event_types.event_type
),

final as (
    select
        person_key,
        row_number() over (
            partition by person_key
            -- nulls placed explicitly: engines differ in where they put them
            order by
                event_start, sort_rank, flow_code nulls first, episode_number nulls first,
                event_code nulls first, decision_id nulls first, reimbursement_id nulls first,
                source nulls first, source_row_number nulls first, event_end nulls last,
                event_status nulls first
        ) as event_sequence,
        event_type,
        event_lane,
        event_start,
        event_end,
        flow_code,
        episode_number,
        event_code,
        event_status,
        decision_id,
        reimbursement_id,
        ocmw_nis_code,
        amount_eur,
        paid_on,
        counted_units,
        counted_unit,
        event_detail,
        source,
        source_file,
        source_row_number,
        {{ as_of_date_sql() }} as as_of_date
    from ordered
)

select * from final
