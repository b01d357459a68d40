-- The auditor's trace, published pseudonymised (RULES.md §8): one row per person x flow x
-- residence episode x criterion of the catalogue in force, with the evidence and the
-- outcome. An auditor finds a person by the person_key of their eligibility row.
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
        ocmw_nis_code,
        criterion_decision_id,
        is_carried_by_eligibility_row,
        outcome,
        catalogue_valid_from,
        legal_reference,
        note_quote_nl,
        note_quote_en,
        as_of_date
    from trace
)

select * from final
