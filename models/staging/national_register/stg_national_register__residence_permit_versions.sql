-- Every landing row of residence_permits with its place and reason (RULES.md §2); the
-- holder must have a staged person (UNKNOWN_PERSON otherwise).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

{#- every landing row with its reference defect; place_landing_versions reads it twice
    (single-row keys, shared keys), so it is SQL text rather than a shared CTE -#}
{% set referenced_rows %}
    select
        landed.*,
        case when persons.insz is null then 'UNKNOWN_PERSON' end as reference_defect_reason
    from {{ ref('base_national_register__residence_permits') }} as landed
    left join {{ ref('stg_national_register__persons') }} as persons
        on landed.insz = persons.insz
{% endset %}

with

placed as (
    {{ place_landing_versions(referenced_rows, ref('base_national_register__residence_permits')) }}
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
