-- The current version of each residence document (RULES.md §2: the staged row per
-- permit_id).
with

permit_versions as (
    select * from {{ ref('stg_national_register__residence_permit_versions') }}
),

final as (
    select
        permit_id,
        insz,
        document_type,
        residence_ground,
        register,
        valid_from,
        valid_to,
        recorded_at,
        source_file,
        source_row_number
    from permit_versions
    where place = 'STAGED'
)

select * from final
