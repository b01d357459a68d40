-- Every landing row of residence_permits with its place and reason (RULES.md §2); the
-- holder must have a staged person (UNKNOWN_PERSON otherwise).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

with

placed as (
    {{ place_landing_versions(ref('stg_national_register__residence_permit_references')) }}
),

final as (
    select
        'residence_permits' as source,
        source_file,
        source_row_number,
        business_key,
        place,
        reason_code,
        permit_id,
        insz,
        document_type,
        residence_ground,
        register,
        valid_from,
        valid_to,
        recorded_at,
        row_content_hash
    from placed
)

select * from final
