-- One row per person x flow x residence episode in which the flow's criterion is met as
-- of as_of_date, in the counting mode that applies to the flow (RULES.md §5). Where both
-- C1/C2 criteria are met in one episode, the row carries the one with the earliest
-- transfer_due_on, then the earliest criterion_met_on, then the catalogue's tie-break
-- rank (LEEFLOON_90_DAYS first).
with

evaluations as (
    select * from {{ ref('int_criterion_evaluations') }}
),

flows as (
    select * from {{ ref('int_rules__flows_in_force') }}
),

criteria as (
    select
        flow_code,
        criterion_code,
        tie_break_rank,
        catalogue_valid_from
    from {{ ref('int_rules__criteria_in_force') }}
),

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

in_applicable_mode as (
    select
        evaluations.*,
        criteria.tie_break_rank,
        row_number() over (
            partition by evaluations.insz, evaluations.flow_code, evaluations.episode_number
            order by evaluations.transfer_due_on, evaluations.criterion_met_on, criteria.tie_break_rank
        ) as criterion_preference
    from evaluations
    inner join criteria
        on evaluations.flow_code = criteria.flow_code
            and evaluations.criterion_code = criteria.criterion_code
    where evaluations.is_in_applicable_counting_mode
),

final as (
    select
        in_applicable_mode.insz,
        in_applicable_mode.flow_code,
        in_applicable_mode.criterion_code,
        in_applicable_mode.episode_number,
        episodes.episode_start,
        episodes.episode_end,
        in_applicable_mode.criterion_met_on,
        in_applicable_mode.transfer_due_on,
        in_applicable_mode.counting_mode,
        in_applicable_mode.counted_days,
        in_applicable_mode.counted_months,
        in_applicable_mode.decision_id,
        in_applicable_mode.ocmw_nis_code,
        flows.flow_status,
        flows.is_applied,
        flows.legal_reference,
        flows.catalogue_valid_from
    from in_applicable_mode
    inner join episodes
        on in_applicable_mode.insz = episodes.insz
            and in_applicable_mode.flow_code = episodes.flow_code
            and in_applicable_mode.episode_number = episodes.episode_number
    inner join flows on in_applicable_mode.flow_code = flows.flow_code
    where in_applicable_mode.criterion_preference = 1
)

select * from final
