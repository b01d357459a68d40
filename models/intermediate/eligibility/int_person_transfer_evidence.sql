-- One row per person with at least one staged GRANTED decision (RULES.md §7), with the
-- facts the person-level status is decided on: the statuses of their eligibility rows,
-- Belgian or population register on as_of_date, and how far their aid got towards a
-- flow (aid inside an episode, of a counted type, reimbursed), and the person-level status
-- they lead to (RULES.md §7), published by fct_person_transfer_status and read by the
-- trace to name the fact behind an exclusion.
with

granted_decisions as (
    select * from {{ ref('int_decision_aid_periods') }}
),

persons as (
    select
        insz,
        nationality_code,
        belgian_since
    from {{ ref('stg_national_register__persons') }}
),

population_register_permits as (
    select * from {{ ref('int_population_register_permits') }}
),

eligibility as (
    select * from {{ ref('int_transfer_eligibility_statuses') }}
),

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

flow_benefit_types as (
    select * from {{ ref('int_rules__flow_benefit_types') }}
),

counted_day_segments as (
    select * from {{ ref('int_counted_day_segments') }}
),

beneficiaries as (
    select distinct insz from granted_decisions
),

row_statuses as (
    select
        insz,
        max(case when transfer_status = 'TRANSFER' then 1 else 0 end) as has_transfer_row,
        max(case when transfer_status = 'HELD_DATA_QUALITY' then 1 else 0 end) as has_held_row,
        max(case when transfer_status = 'DEFERRED_TECHNICAL' then 1 else 0 end) as has_deferred_row,
        max(case when transfer_status = 'EXCLUDED_BELGIAN' then 1 else 0 end) as has_belgian_row,
        max(case when transfer_status = 'EXCLUDED_POPULATION_REGISTER' then 1 else 0 end)
            as has_population_register_row
    from eligibility
    group by insz
),

population_register_on_as_of as (
    select distinct insz
    from population_register_permits
    where {{ is_valid_on('valid_from', 'valid_to', as_of_date_sql()) }}
),

-- aid days (any benefit type, reimbursed or not) inside an episode of any flow
aid_in_episode as (
    select
        granted_decisions.insz,
        max(case when flow_benefit_types.benefit_type is not null then 1 else 0 end)
            as has_counted_type_aid_in_episode
    from granted_decisions
    inner join episodes
        on granted_decisions.insz = episodes.insz
            and granted_decisions.aid_start <= episodes.episode_last_day
            and granted_decisions.aid_end >= episodes.episode_start
    left join flow_benefit_types
        on episodes.flow_code = flow_benefit_types.flow_code
            and granted_decisions.benefit_type = flow_benefit_types.benefit_type
    where granted_decisions.has_aid_days
    group by granted_decisions.insz
),

with_counted_days as (
    select distinct insz from counted_day_segments
),

flags as (
    select
        beneficiaries.insz,
        {{ person_key('beneficiaries.insz') }} as person_key,
        coalesce(row_statuses.has_transfer_row, 0) = 1 as has_transfer_row,
        coalesce(row_statuses.has_held_row, 0) = 1 as has_held_row,
        coalesce(row_statuses.has_deferred_row, 0) = 1 as has_deferred_row,
        coalesce(row_statuses.has_belgian_row, 0) = 1 as has_belgian_row,
        coalesce(row_statuses.has_population_register_row, 0) = 1 as has_population_register_row,
        {{ is_belgian_on('persons.nationality_code', 'persons.belgian_since', as_of_date_sql()) }}
            as is_belgian_on_as_of_date,
        population_register_on_as_of.insz is not null as has_population_register_permit_on_as_of_date,
        aid_in_episode.insz is not null as has_aid_in_episode,
        coalesce(aid_in_episode.has_counted_type_aid_in_episode, 0) = 1 as has_counted_type_aid_in_episode,
        with_counted_days.insz is not null as has_reimbursed_counted_aid
    from beneficiaries
    left join row_statuses on beneficiaries.insz = row_statuses.insz
    left join persons on beneficiaries.insz = persons.insz
    left join population_register_on_as_of on beneficiaries.insz = population_register_on_as_of.insz
    left join aid_in_episode on beneficiaries.insz = aid_in_episode.insz
    left join with_counted_days on beneficiaries.insz = with_counted_days.insz
),

final as (
    select
        *,
        case
            when has_transfer_row then 'TRANSFER'
            when has_held_row then 'HELD_DATA_QUALITY'
            when has_deferred_row then 'DEFERRED_TECHNICAL'
            else 'EXCLUDED'
        end as final_status,
        case
            when has_transfer_row or has_held_row or has_deferred_row then null
            when is_belgian_on_as_of_date or has_belgian_row then 'BELGIAN'
            when has_population_register_permit_on_as_of_date or has_population_register_row
                then 'POPULATION_REGISTER'
            when not has_aid_in_episode then 'NO_AUTHORISED_CATEGORY'
            when not has_counted_type_aid_in_episode then 'NO_COUNTING_AID'
            when not has_reimbursed_counted_aid then 'NOT_REIMBURSED'
            else 'THRESHOLD_NOT_MET'
        end as exclusion_reason
    from flags
)

select * from final
