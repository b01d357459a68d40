-- Every landing row of persons with its place and reason (RULES.md §2). Persons refer
-- to nothing, so there is no reference check.
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

with

placed as (
    {{ place_landing_versions(ref('stg_national_register__person_references')) }}
),

final as (
    select
        'persons' as source,
        source_file,
        source_row_number,
        business_key,
        place,
        reason_code,
        insz,
        birth_date,
        nationality_code,
        belgian_since,
        recorded_at,
        row_content_hash
    from placed
)

select * from final
