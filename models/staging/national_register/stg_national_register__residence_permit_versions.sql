-- Every landing row of residence_permits with its place and reason (RULES.md §2); the
-- holder must have a staged person (UNKNOWN_PERSON otherwise).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

with

landed as (
    select * from {{ ref('base_national_register__residence_permits') }}
),

-- the columns the placement needs: it sorts these, not whole rows (ADR 0012)
landed_keys as (
    select
        source_row_number,
        business_key,
        recorded_at,
        row_content_hash,
        row_defect_reason,
        insz
    from {{ ref('base_national_register__residence_permits') }}
),

persons as (
    select insz from {{ ref('stg_national_register__persons') }}
),

referenced as (
    select
        landed_keys.*,
        case when persons.insz is null then 'UNKNOWN_PERSON' end as reference_defect_reason
    from landed_keys
    left join persons on landed_keys.insz = persons.insz
),

placed as (
    {{ place_landing_versions('referenced') }}
),

final as (
    select
        'residence_permits' as source,
        landed.source_file,
        landed.source_row_number,
        landed.business_key,
        placed.place,
        placed.reason_code,
        landed.permit_id,
        landed.insz,
        landed.document_type,
        landed.residence_ground,
        landed.register,
        landed.valid_from,
        landed.valid_to,
        landed.recorded_at,
        landed.row_content_hash
    from landed
    inner join placed on landed.source_row_number = placed.source_row_number
)

select * from final
