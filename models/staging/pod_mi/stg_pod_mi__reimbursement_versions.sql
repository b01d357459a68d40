-- Every landing row of reimbursements with its place and reason (RULES.md §2): the
-- decision must have a staged version (UNKNOWN_DECISION) with the same beneficiary
-- (PERSON_MISMATCH).
-- A table, not a view: every downstream model reads the placements, and a view would
-- parse and place the whole landing file again for each of them.
{{ config(materialized='table') }}

with

placed as (
    {{ place_landing_versions(ref('stg_pod_mi__reimbursement_references')) }}
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
