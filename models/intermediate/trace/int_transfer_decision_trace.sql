-- The auditor's trace: one row per person x flow x residence episode x criterion of the
-- catalogue in force, evaluated in the counting mode that applies, with the evidence
-- (counted units, threshold, catalogue row and its valid_from, legal reference, the
-- sentence of the note) and the outcome. Answers "why was this person (not) transferred
-- in this flow?". Keyed by insz here; fct_transfer_decision_trace publishes it with
-- person_key only (RULES.md §8).
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
        eligibility.criterion_code as carried_criterion_code,
        eligibility.transfer_status,
        flows.catalogue_valid_from,
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
            and flows.counting_mode = evaluations.counting_mode
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
        ocmw_nis_code,
        criterion_decision_id,
        coalesce(carried_criterion_code = criterion_code, false) as is_carried_by_eligibility_row,
        case
            when criterion_met_on is null and episode_counted_days = 0 then 'NO_COUNTED_AID_IN_EPISODE'
            when criterion_met_on is null then 'CRITERION_NOT_MET'
            when carried_criterion_code <> criterion_code then 'MET_BUT_OTHER_CRITERION_CARRIED'
            else transfer_status
        end as outcome,
        catalogue_valid_from,
        legal_reference,
        note_quote_nl,
        note_quote_en,
        {{ as_of_date_sql() }} as as_of_date
    from evaluated
)

select * from final
