-- One row per person with at least one staged GRANTED decision (CONTRACT.md §3,
-- RULES.md §7): TRANSFER if any eligibility row is TRANSFER, else HELD_DATA_QUALITY,
-- else DEFERRED_TECHNICAL, else EXCLUDED with the first reason that applies.
-- The statuses are decided in int_person_transfer_evidence; pseudonymised: person_key only.
with

evidence as (
    select * from {{ ref('int_person_transfer_evidence') }}
),

final as (
    select
        person_key,
        final_status,
        exclusion_reason,
        {{ as_of_date_sql() }} as as_of_date
    from evidence
)

select * from final
