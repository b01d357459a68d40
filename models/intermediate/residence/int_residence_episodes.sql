-- One row per person x flow x residence episode (RULES.md §4): a maximal run of days on
-- which the person holds at least one permit that qualifies for the flow. Permits that
-- overlap or touch merge; a day without one ends the episode. Days after as_of_date are
-- not looked at.
with

permits as (
    select * from {{ ref('stg_national_register__residence_permits') }}
),

population_register_permits as (
    select permit_id from {{ ref('int_population_register_permits') }}
),

flow_permit_types as (
    select * from {{ ref('int_rules__flow_permit_types') }}
),

qualifying_permits as (
    select
        permits.insz,
        flow_permit_types.flow_code,
        permits.permit_id,
        permits.valid_from as qualifying_from,
        {{ end_clipped_to_as_of_date('permits.valid_to') }} as qualifying_to
    from permits
    inner join flow_permit_types
        on permits.document_type = flow_permit_types.document_type
            and permits.residence_ground = flow_permit_types.residence_ground
    left join population_register_permits
        on permits.permit_id = population_register_permits.permit_id
    where population_register_permits.permit_id is null
        and permits.valid_from <= {{ as_of_date_sql() }}
),

episodes as (
    {{ merge_touching_periods('qualifying_permits', ['insz', 'flow_code'], 'qualifying_from', 'qualifying_to') }}
),

final as (
    select
        insz,
        flow_code,
        period_number as episode_number,
        period_start as episode_start,
        period_end as episode_last_day,
        -- CONTRACT.md §3: null when the episode covers as_of_date
        case when period_end >= {{ as_of_date_sql() }} then null else period_end end as episode_end,
        member_count as permit_count
    from episodes
)

select * from final
