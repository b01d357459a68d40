-- The current version of each person (RULES.md §2: the staged row per normalised insz).
with

person_versions as (
    select * from {{ ref('stg_national_register__person_versions') }}
),

final as (
    select
        insz,
        birth_date,
        nationality_code,
        belgian_since,
        recorded_at,
        source_file,
        source_row_number
    from person_versions
    where place = 'STAGED'
)

select * from final
