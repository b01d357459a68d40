-- The auditor's trace, published pseudonymised (RULES.md §8): one row per person x flow x
-- residence episode x criterion of the catalogue in force, with the evidence, the outcome
-- and the fact behind an exclusion or hold. An auditor finds a person's person_key in the
-- restricted lookup dim_person_keys.
with

trace as (
    select * from {{ ref('int_transfer_decision_trace') }}
),

final as (
    select
        person_key,
        flow_code,
        episode_number,
        episode_start,
        episode_end,
        criterion_code,
        criterion_kind,
        threshold_value,
        threshold_unit,
        prior_aid_flow_code,
        counting_mode,
        flow_status,
        is_flow_applied,
        episode_counted_days,
        longest_run_counted_days,
        episode_counted_months,
        longest_run_counted_months,
        is_criterion_met,
        criterion_met_on,
        transfer_due_on,
        counted_days,
        counted_months,
        counted_days_at_transfer,
        counted_months_at_transfer,
        is_due_before_catalogue_valid_from,
        ocmw_nis_code,
        criterion_decision_id,
        prior_aid_day,
        prior_aid_decision_id,
        prior_aid_paid_date,
        is_carried_by_eligibility_row,
        outcome,
        exclusion_code,
        exclusion_checked_on,
        exclusion_fact_count,
        excluding_permit_document_type,
        excluding_permit_valid_from,
        excluding_permit_valid_to,
        quarantine_reason_code,
        exclusion_source,
        exclusion_source_file,
        exclusion_source_row_number,
        exclusion_note_quote_nl,
        exclusion_note_quote_en,
        catalogue_valid_from,
        criterion_valid_from,
        legal_reference,
        note_quote_nl,
        note_quote_en,
        as_of_date
    from trace
)

select * from final
