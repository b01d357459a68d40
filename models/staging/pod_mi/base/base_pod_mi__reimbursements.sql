-- Every row of reimbursements.<format>: provenance, normalised and typed values, and the
-- first row-level defect of RULES.md §2 (checks that need other rows come later).
with

landing as (
    select * from {{ source('pod_mi', 'reimbursements') }}
),

numbered as (
    select
        {{ string_literal(landing_file_name("reimbursements")) }} as source_file,
        {{ landing_row_number() }} as source_row_number,
        reimbursement_id as reimbursement_id_landed,
        decision_id as decision_id_landed,
        insz as insz_landed,
        aid_month as aid_month_landed,
        amount_eur as amount_eur_landed,
        paid_on as paid_on_landed,
        recorded_at as recorded_at_landed
    from landing
),

normalised as (
    select
        source_file,
        source_row_number,
        {{ normalise_text('reimbursement_id_landed') }} as reimbursement_id,
        {{ normalise_text('decision_id_landed') }} as decision_id,
        {{ normalise_insz('insz_landed') }} as insz,
        -- RULES.md §2: aid_month is taken as the first day of its calendar month.
        cast({{ dbt.date_trunc('month', parse_landing_value('aid_month_landed', 'date', 'reimbursements')) }} as date)
            as aid_month,
        {{ parse_landing_value('amount_eur_landed', 'amount', 'reimbursements') }} as amount_eur,
        {{ parse_landing_value('paid_on_landed', 'date', 'reimbursements') }} as paid_on,
        {{ parse_landing_value('recorded_at_landed', 'timestamp', 'reimbursements') }} as recorded_at
    from numbered
),

checked as (
    select
        *,
        reimbursement_id as business_key,
        case
            when reimbursement_id is null or insz is null then 'MISSING_KEY'
            when not {{ is_valid_insz('insz') }} then 'INVALID_INSZ'
            when decision_id is null
                or aid_month is null
                or amount_eur is null
                or paid_on is null
                or recorded_at is null
                then 'MISSING_VALUE'
        end as row_defect_reason,
        {{ row_content_hash(['reimbursement_id', 'decision_id', 'insz', 'aid_month', 'amount_eur',
            'paid_on', 'recorded_at']) }} as row_content_hash
    from normalised
)

select * from checked
