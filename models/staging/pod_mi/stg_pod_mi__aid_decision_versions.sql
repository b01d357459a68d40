-- Every landing row of aid_decisions with its place and reason (RULES.md §2); the
-- beneficiary must have a staged person (UNKNOWN_PERSON otherwise).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

with

placed as (
    {{ place_landing_versions(ref('stg_pod_mi__aid_decision_references')) }}
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
