-- Every landing row of persons with its place and reason (RULES.md §2). Persons refer
-- to nothing, so there is no reference check.
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

with

landed as (
    select * from {{ ref('base_national_register__persons') }}
),

-- the columns the placement needs: it sorts these, not whole rows (ADR 0012)
landed_keys as (
    select
        source_row_number,
        business_key,
        recorded_at,
        row_content_hash,
        row_defect_reason
    from {{ ref('base_national_register__persons') }}
),

referenced as (
    select
        *,
        cast(null as {{ dbt.type_string() }}) as reference_defect_reason
    from landed_keys
),

placed as (
    {{ place_landing_versions('referenced') }}
),

final as (
    select
        'persons' as source,
        landed.source_file,
        landed.source_row_number,
        landed.business_key,
        placed.place,
        placed.reason_code,
        landed.insz,
        landed.birth_date,
        landed.nationality_code,
        landed.belgian_since,
        landed.recorded_at,
        landed.row_content_hash
    from landed
    inner join placed on landed.source_row_number = placed.source_row_number
)

select * from final
