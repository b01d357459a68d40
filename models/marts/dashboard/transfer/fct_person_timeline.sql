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

-- numbered per person (by insz: the same partition as person_key, shorter to sort) in time
-- order, then keyed by person_key; left joins: an event without a person key or a known
-- type fails the mart's not-null tests instead of vanishing
numbered as (
    select
        events.*,
        event_types.event_lane,
        row_number() over (
            partition by events.insz
            -- nulls placed explicitly: engines differ in where they put them
            order by
                events.event_start, event_types.sort_rank, events.flow_code nulls first,
                events.episode_number nulls first, events.event_code nulls first,
                events.decision_id nulls first, events.source_row_number nulls first,
                events.event_end nulls last, events.event_status nulls first
        ) as event_sequence
    from events
    left join event_types on events.event_type = event_types.event_type
),

final as (
    select
        person_keys.person_key,
        numbered.event_sequence,
        numbered.event_type,
        numbered.event_lane,
        numbered.event_start,
        numbered.event_end,
        numbered.flow_code,
        numbered.episode_number,
        numbered.event_code,
        numbered.event_status,
        numbered.decision_id,
        numbered.reimbursement_id,
        numbered.ocmw_nis_code,
        numbered.amount_eur,
        numbered.paid_on,
        numbered.counted_units,
        numbered.counted_unit,
        numbered.event_detail,
        numbered.source,
        numbered.source_file,
        numbered.source_row_number,
        {{ as_of_date_sql() }} as as_of_date
    from numbered
    left join person_keys on numbered.insz = person_keys.insz
)

select * from final
