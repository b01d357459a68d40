-- One row per exclusion of the rule catalogue in force on as_of_date (RULES.md §7): the
-- facts that stop a met criterion, with the status each gives and the sentence of the note.
with

exclusions as (
    select * from {{ ref('rule_exclusions') }}
),

in_force as (
    select
        exclusion_code,
        exclusion_name_en,
        transfer_status,
        valid_from as catalogue_valid_from,
        legal_reference,
        note_quote_nl,
        note_quote_en
    from exclusions
    where {{ is_in_force() }}
)

select * from in_force
