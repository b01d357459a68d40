-- Every landing row of reimbursements with its own defect and its reference defect
-- (RULES.md §2): the decision must have a staged version (UNKNOWN_DECISION) with the
-- same beneficiary (PERSON_MISMATCH). The input of the placement
-- (stg_pod_mi__reimbursement_versions, macro place_landing_versions).
-- A view: only the placement reads it, as part of its own query (a table would write
-- every landing row once more).
with

landed as (
    select * from {{ ref('base_pod_mi__reimbursements') }}
),

decisions as (
    select * from {{ ref('stg_pod_mi__aid_decisions') }}
),

referenced as (
    select
        landed.source_file,
        landed.source_row_number,
        landed.reimbursement_id,
        landed.decision_id,
        landed.insz,
        landed.aid_month,
        landed.amount_eur,
        landed.paid_on,
        landed.recorded_at,
        landed.business_key,
        landed.row_defect_reason,
        landed.row_content_hash,
        case
            when decisions.decision_id is null then 'UNKNOWN_DECISION'
            when decisions.insz <> landed.insz then 'PERSON_MISMATCH'
        end as reference_defect_reason
    from landed
    left join decisions
        on landed.decision_id = decisions.decision_id
)

select * from referenced
