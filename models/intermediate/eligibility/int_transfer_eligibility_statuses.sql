-- Each eligibility row with its transfer_status, first match wins (RULES.md §7):
-- EXCLUDED_BELGIAN (Belgian on transfer_due_on), EXCLUDED_POPULATION_REGISTER (a
-- population-register permit valid on transfer_due_on), HELD_DATA_QUALITY, then
-- DEFERRED_TECHNICAL (a deferred flow not enabled), else TRANSFER.
with

eligibility_rows as (
    select * from {{ ref('int_transfer_eligibility_rows') }}
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

held_persons as (
    select insz from {{ ref('int_persons_held_for_data_quality') }}
),

population_register_on_due_date as (
    select distinct
        eligibility_rows.insz,
        eligibility_rows.flow_code,
        eligibility_rows.episode_number
    from eligibility_rows
    inner join population_register_permits
        on eligibility_rows.insz = population_register_permits.insz
            and {{ is_valid_on('population_register_permits.valid_from', 'population_register_permits.valid_to',
                'eligibility_rows.transfer_due_on') }}
),

flagged as (
    select
        eligibility_rows.*,
        {{ is_belgian_on('persons.nationality_code', 'persons.belgian_since', 'eligibility_rows.transfer_due_on') }}
            as is_belgian_on_due_date,
        population_register_on_due_date.insz is not null as has_population_register_permit_on_due_date,
        held_persons.insz is not null as is_held_for_data_quality
    from eligibility_rows
    left join persons on eligibility_rows.insz = persons.insz
    left join population_register_on_due_date
        on eligibility_rows.insz = population_register_on_due_date.insz
            and eligibility_rows.flow_code = population_register_on_due_date.flow_code
            and eligibility_rows.episode_number = population_register_on_due_date.episode_number
    left join held_persons on eligibility_rows.insz = held_persons.insz
),

final as (
    select
        insz,
        flow_code,
        criterion_code,
        episode_number,
        episode_start,
        episode_end,
        criterion_met_on,
        transfer_due_on,
        counting_mode,
        counted_days,
        counted_months,
        decision_id,
        ocmw_nis_code,
        flow_status,
        is_applied,
        legal_reference,
        catalogue_valid_from,
        is_belgian_on_due_date,
        has_population_register_permit_on_due_date,
        is_held_for_data_quality,
        case
            when is_belgian_on_due_date then 'EXCLUDED_BELGIAN'
            when has_population_register_permit_on_due_date then 'EXCLUDED_POPULATION_REGISTER'
            when is_held_for_data_quality then 'HELD_DATA_QUALITY'
            when not is_applied then 'DEFERRED_TECHNICAL'
            else 'TRANSFER'
        end as transfer_status
    from flagged
)

select * from final
