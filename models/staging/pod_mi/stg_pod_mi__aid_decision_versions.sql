-- Every landing row of aid_decisions with its place and reason (RULES.md §2); the
-- beneficiary must have a staged person (UNKNOWN_PERSON otherwise).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

{#- every landing row with its reference defect; place_landing_versions reads it twice
    (single-row keys, shared keys), so it is SQL text rather than a shared CTE -#}
{% set referenced_rows %}
    select
        landed.*,
        case when persons.insz is null then 'UNKNOWN_PERSON' end as reference_defect_reason
    from {{ ref('base_pod_mi__aid_decisions') }} as landed
    left join {{ ref('stg_national_register__persons') }} as persons
        on landed.insz = persons.insz
{% endset %}

with

placed as (
    {{ place_landing_versions(referenced_rows, ref('base_pod_mi__aid_decisions')) }}
),

final as (
    select
        'aid_decisions' as source,
        source_file,
        source_row_number,
        business_key,
        place,
        reason_code,
        decision_id,
        ocmw_nis_code,
        insz,
        legal_scheme,
        aid_form,
        benefit_type,
        period_start,
        period_end,
        monthly_amount_eur,
        decision_date,
        status,
        recorded_at,
        row_content_hash
    from placed
)

select * from final
