-- Every landing row of reimbursements with its place and reason (RULES.md §2): the
-- decision must have a staged version (UNKNOWN_DECISION) with the same beneficiary
-- (PERSON_MISMATCH).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

with

landed as (
    select * from {{ ref('base_pod_mi__reimbursements') }}
),

-- the columns the placement needs: it sorts these, not whole rows (ADR 0012)
landed_keys as (
    select
        source_row_number,
        business_key,
        recorded_at,
        row_content_hash,
        row_defect_reason,
        decision_id,
        insz
    from {{ ref('base_pod_mi__reimbursements') }}
),

decisions as (
    select
        decision_id,
        insz
    from {{ ref('stg_pod_mi__aid_decisions') }}
),

referenced as (
    select
        landed_keys.*,
        case
            when decisions.decision_id is null then 'UNKNOWN_DECISION'
            when decisions.insz <> landed_keys.insz then 'PERSON_MISMATCH'
        end as reference_defect_reason
    from landed_keys
    left join decisions on landed_keys.decision_id = decisions.decision_id
),

placed as (
    {{ place_landing_versions('referenced') }}
),

final as (
    select
        'reimbursements' as source,
        landed.source_file,
        landed.source_row_number,
        landed.business_key,
        placed.place,
        placed.reason_code,
        landed.reimbursement_id,
        landed.decision_id,
        landed.insz,
        landed.aid_month,
        landed.amount_eur,
        landed.paid_on,
        landed.recorded_at,
        landed.row_content_hash
    from landed
    inner join placed on landed.source_row_number = placed.source_row_number
)

select * from final
