-- Every landing row of reimbursements with its place and reason (RULES.md §2): the
-- decision must have a staged version (UNKNOWN_DECISION) with the same beneficiary
-- (PERSON_MISMATCH).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

{#- every landing row with its reference defect; place_landing_versions reads it twice
    (single-row keys, shared keys), so it is SQL text rather than a shared CTE -#}
{% set referenced_rows %}
    select
        landed.*,
        case
            when decisions.decision_id is null then 'UNKNOWN_DECISION'
            when decisions.insz <> landed.insz then 'PERSON_MISMATCH'
        end as reference_defect_reason
    from {{ ref('base_pod_mi__reimbursements') }} as landed
    left join {{ ref('stg_pod_mi__aid_decisions') }} as decisions
        on landed.decision_id = decisions.decision_id
{% endset %}

with

placed as (
    {{ place_landing_versions(referenced_rows, ref('base_pod_mi__reimbursements')) }}
),

final as (
    select
        'reimbursements' as source,
        source_file,
        source_row_number,
        business_key,
        place,
        reason_code,
        reimbursement_id,
        decision_id,
        insz,
        aid_month,
        amount_eur,
        paid_on,
        recorded_at,
        row_content_hash
    from placed
)

select * from final
