-- Every landing row of persons with its own defect and its reference defect (RULES.md
-- §2): persons refer to nothing, so no row has a reference defect. The input of the
-- placement (stg_national_register__person_versions, macro place_landing_versions).
-- A view: only the placement reads it, as part of its own query (a table would write
-- every landing row once more).
with

landed as (
    select * from {{ ref('base_national_register__persons') }}
),

referenced as (
    select
        landed.source_file,
        landed.source_row_number,
        landed.insz,
        landed.birth_date,
        landed.nationality_code,
        landed.belgian_since,
        landed.recorded_at,
        landed.business_key,
        landed.row_defect_reason,
        landed.row_content_hash,
        cast(null as {{ dbt.type_string() }}) as reference_defect_reason
    from landed
)

select * from referenced
