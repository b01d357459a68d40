-- The current version of each reimbursement (RULES.md §2: the staged row per
-- reimbursement_id).
with

reimbursement_versions as (
    select * from {{ ref('stg_pod_mi__reimbursement_versions') }}
),

final as (
    select
        reimbursement_id,
        decision_id,
        insz,
        aid_month,
        amount_eur,
        paid_on,
        recorded_at,
        source_file,
        source_row_number
    from reimbursement_versions
    where place = 'STAGED'
)

select * from final
