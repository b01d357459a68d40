-- The current version of each aid decision (RULES.md §2: the staged row per
-- decision_id), with its benefit type (RULES.md §3, seed ref_benefit_types).
with

decision_versions as (
    select * from {{ ref('stg_pod_mi__aid_decision_versions') }}
),

final as (
    select
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
        source_file,
        source_row_number
    from decision_versions
    where place = 'STAGED'
)

select * from final
