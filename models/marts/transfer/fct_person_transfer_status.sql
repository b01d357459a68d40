-- One row per person with at least one staged GRANTED decision (CONTRACT.md §3,
-- RULES.md §7): TRANSFER if any eligibility row is TRANSFER, else HELD_DATA_QUALITY,
-- else DEFERRED_TECHNICAL, else EXCLUDED with the first reason that applies.
-- Pseudonymised: person_key only.
with

evidence as (
    select * from {{ ref('int_person_transfer_evidence') }}
),

final as (
    select
        person_key,
        case
            when has_transfer_row then 'TRANSFER'
            when has_held_row then 'HELD_DATA_QUALITY'
            when has_deferred_row then 'DEFERRED_TECHNICAL'
            else 'EXCLUDED'
        end as final_status,
        case
            when has_transfer_row or has_held_row or has_deferred_row then null
            when is_belgian_on_as_of_date or has_belgian_row then 'BELGIAN'
            when has_population_register_permit_on_as_of_date or has_population_register_row
                then 'POPULATION_REGISTER'
            when not has_aid_in_episode then 'NO_AUTHORISED_CATEGORY'
            when not has_counted_type_aid_in_episode then 'NO_COUNTING_AID'
            when not has_reimbursed_counted_aid then 'NOT_REIMBURSED'
            else 'THRESHOLD_NOT_MET'
        end as exclusion_reason,
        {{ as_of_date_sql() }} as as_of_date
    from evidence
)

select * from final
