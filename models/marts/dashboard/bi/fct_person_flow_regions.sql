-- The filters of the dashboard's Exclusions and Durations pages, per person: the flows a
-- person held a residence episode of (RULES.md §4; NONE when none) and the regions of the
-- OCMWs that granted them aid, with the person's first aid day. A person counts under every
-- flow and region that applies; the pages count distinct persons. Pseudonymised: person_key
-- only (RULES.md §8).
with

persons as (
    select
        insz,
        person_key
    from {{ ref('int_person_transfer_evidence') }}
),

granted_decisions as (
    select * from {{ ref('int_decision_aid_periods') }}
),

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

ocmw as (
    select * from {{ ref('dim_ocmw') }}
),

person_flows as (
    select distinct
        insz,
        flow_code
    from episodes
),

person_regions as (
    select distinct
        granted_decisions.insz,
        coalesce(ocmw.region, 'UNKNOWN') as region
    from granted_decisions
    left join ocmw on granted_decisions.ocmw_nis_code = ocmw.ocmw_nis_code
),

first_aid_days as (
    select
        insz,
        min(aid_start) as first_aid_day
    from granted_decisions
    where has_aid_days
    group by insz
),

final as (
    select
        persons.person_key,
        coalesce(person_flows.flow_code, 'NONE') as flow_code,
        person_regions.region,
        first_aid_days.first_aid_day,
        {{ as_of_date_sql() }} as as_of_date
    from persons
    inner join person_regions on persons.insz = person_regions.insz
    left join person_flows on persons.insz = person_flows.insz
    left join first_aid_days on persons.insz = first_aid_days.insz
)

select * from final
