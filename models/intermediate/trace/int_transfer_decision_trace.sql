-- The auditor's trace: one row per person x flow x residence episode x criterion of the
-- catalogue in force, evaluated in the counting mode that applies, with the evidence
-- (counted units as of as_of_date and at transfer, threshold, the earlier aid of the
-- prior-aid criterion, catalogue row and its valid_from, legal reference, the sentence of
-- the note), the outcome, and the fact behind an exclusion or hold with its own sentence
-- of the note. Answers "why was this person (not) transferred in this flow?". Keyed by
-- insz here; fct_transfer_decision_trace publishes it with person_key only (RULES.md §8).
with

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

flows as (
    select * from {{ ref('int_rules__flows_in_force') }}
),

criteria as (
    select * from {{ ref('int_rules__criteria_in_force') }}
),

evaluations as (
    select * from {{ ref('int_criterion_evaluations') }}
),

eligibility as (
    select * from {{ ref('int_transfer_eligibility_statuses') }}
),

units_at_transfer as (
    select * from {{ ref('int_counted_units_at_transfer') }}
),

first_prior_aid_days as (
    select * from {{ ref('int_first_prior_aid_days') }}
),

exclusion_evidence as (
    select * from {{ ref('int_transfer_exclusion_evidence') }}
),

day_evidence as (
    select
        insz,
        flow_code,
        episode_number,
        max(episode_days) as episode_counted_days,
        max(run_days) as longest_run_counted_days
    from {{ ref('int_counted_day_runs') }}
    group by insz, flow_code, episode_number
),

month_evidence as (
    select
        insz,
        flow_code,
        episode_number,
        max(episode_months) as episode_counted_months,
        max(run_months) as longest_run_counted_months
    from {{ ref('int_counted_months') }}
    group by insz, flow_code, episode_number
),

evaluated as (
    select
        episodes.insz,
        episodes.flow_code,
        episodes.episode_number,
        episodes.episode_start,
        episodes.episode_end,
        criteria.criterion_code,
        criteria.criterion_kind,
        criteria.threshold_value,
        criteria.threshold_unit,
        criteria.prior_aid_flow_code,
        flows.counting_mode,
        flows.flow_status,
        flows.is_applied as is_flow_applied,
        evaluations.criterion_met_on,
        evaluations.transfer_due_on,
        evaluations.ocmw_nis_code,
        evaluations.decision_id as criterion_decision_id,
        evaluations.counted_days,
        evaluations.counted_months,
        units_at_transfer.counted_days_at_transfer,
        units_at_transfer.counted_months_at_transfer,
        first_prior_aid_days.first_prior_aid_day as prior_aid_day,
        first_prior_aid_days.prior_aid_decision_id,
        first_prior_aid_days.prior_aid_paid_date,
        eligibility.criterion_code as carried_criterion_code,
        eligibility.transfer_status,
        flows.catalogue_valid_from,
        criteria.catalogue_valid_from as criterion_valid_from,
        flows.legal_reference,
        criteria.note_quote_nl,
        criteria.note_quote_en,
        coalesce(day_evidence.episode_counted_days, 0) as episode_counted_days,
        coalesce(day_evidence.longest_run_counted_days, 0) as longest_run_counted_days,
        coalesce(month_evidence.episode_counted_months, 0) as episode_counted_months,
        coalesce(month_evidence.longest_run_counted_months, 0) as longest_run_counted_months
    from episodes
    inner join flows on episodes.flow_code = flows.flow_code
    inner join criteria on episodes.flow_code = criteria.flow_code
    left join evaluations
        on episodes.insz = evaluations.insz
            and episodes.flow_code = evaluations.flow_code
            and episodes.episode_number = evaluations.episode_number
            and criteria.criterion_code = evaluations.criterion_code
            and evaluations.is_in_applicable_counting_mode
    left join units_at_transfer
        on evaluations.insz = units_at_transfer.insz
            and evaluations.flow_code = units_at_transfer.flow_code
            and evaluations.episode_number = units_at_transfer.episode_number
            and evaluations.criterion_code = units_at_transfer.criterion_code
    -- the earlier aid is named only where it met the criterion
    left join first_prior_aid_days
        on evaluations.insz = first_prior_aid_days.insz
            and criteria.prior_aid_flow_code = first_prior_aid_days.prior_aid_flow_code
    left join day_evidence
        on episodes.insz = day_evidence.insz
            and episodes.flow_code = day_evidence.flow_code
            and episodes.episode_number = day_evidence.episode_number
    left join month_evidence
        on episodes.insz = month_evidence.insz
            and episodes.flow_code = month_evidence.flow_code
            and episodes.episode_number = month_evidence.episode_number
    left join eligibility
        on episodes.insz = eligibility.insz
            and episodes.flow_code = eligibility.flow_code
            and episodes.episode_number = eligibility.episode_number
),

outcomes as (
    select
        *,
        coalesce(carried_criterion_code = criterion_code, false) as is_carried_by_eligibility_row,
        case
            when criterion_met_on is null and episode_counted_days = 0 then 'NO_COUNTED_AID_IN_EPISODE'
            when criterion_met_on is null then 'CRITERION_NOT_MET'
            when carried_criterion_code <> criterion_code then 'MET_BUT_OTHER_CRITERION_CARRIED'
            else transfer_status
        end as outcome
    from evaluated
),

-- The fact behind the outcome: the eligibility row's exclusion or hold on the criterion
-- that carries it, else the person's exclusion (Belgian, population register) on every row.
with_exclusion as (
    select
        outcomes.*,
        evidence.exclusion_code,
        evidence.exclusion_checked_on,
        evidence.exclusion_fact_count,
        evidence.fact_start,
        evidence.fact_end,
        evidence.document_type,
        evidence.reason_code,
        evidence.source,
        evidence.source_file,
        evidence.source_row_number,
        evidence.note_quote_nl as exclusion_note_quote_nl,
        evidence.note_quote_en as exclusion_note_quote_en
    from outcomes
    left join exclusion_evidence as evidence
        on outcomes.insz = evidence.insz
            and (
                (
                    evidence.evidence_level = 'ELIGIBILITY_ROW'
                    and outcomes.is_carried_by_eligibility_row
                    and outcomes.flow_code = evidence.flow_code
                    and outcomes.episode_number = evidence.episode_number
                )
                or (
                    evidence.evidence_level = 'PERSON'
                    and not (
                        outcomes.is_carried_by_eligibility_row
                        and outcomes.outcome in (
                            'EXCLUDED_BELGIAN', 'EXCLUDED_POPULATION_REGISTER', 'HELD_DATA_QUALITY'
                        )
                    )
                )
            )
),

final as (
    select
        insz,
        {{ person_key('insz') }} as person_key,
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
        criterion_met_on is not null as is_criterion_met,
        criterion_met_on,
        transfer_due_on,
        cast(counted_days as integer) as counted_days,
        cast(counted_months as integer) as counted_months,
        counted_days_at_transfer,
        counted_months_at_transfer,
        coalesce(transfer_due_on < catalogue_valid_from, false) as is_due_before_catalogue_valid_from,
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
        case when exclusion_code = 'POPULATION_REGISTER' then document_type end as excluding_permit_document_type,
        case when exclusion_code = 'POPULATION_REGISTER' then fact_start end as excluding_permit_valid_from,
        case when exclusion_code = 'POPULATION_REGISTER' then fact_end end as excluding_permit_valid_to,
        reason_code as quarantine_reason_code,
        source as exclusion_source,
        source_file as exclusion_source_file,
        source_row_number as exclusion_source_row_number,
        exclusion_note_quote_nl,
        exclusion_note_quote_en,
        catalogue_valid_from,
        criterion_valid_from,
        legal_reference,
        note_quote_nl,
        note_quote_en,
        {{ as_of_date_sql() }} as as_of_date
    from with_exclusion
)

select * from final
