-- The auditor's way in (RULES.md §8): from person_key to insz and back, for every person
-- the warehouse knows as of as_of_date - every valid insz named by a landing row recorded
-- by then (staged, superseded or quarantined) or by the delivery ledger's files (RULES.md
-- §8a) - so a person with no eligibility row
-- (excluded, held, below the threshold) is found without the salt. With the person record
-- the exclusions read (nationality, belgian_since), which no pseudonymised model carries.
-- Restricted: carries the insz.
with

row_placements as (
    select * from {{ ref('stg_landing__row_placements') }}
    where place <> 'NOT_YET_EFFECTIVE'
        and insz is not null
        and {{ is_valid_insz('insz') }}
),

ledger_events as (
    select insz from {{ ref('stg_dvz_ledger__delivery_events') }}
),

persons as (
    select * from {{ ref('stg_national_register__persons') }}
),

person_statuses as (
    select
        insz,
        final_status,
        exclusion_reason
    from {{ ref('int_person_transfer_evidence') }}
),

named_insz as (
    select
        insz,
        1 as is_landing_row,
        0 as is_ledger_row
    from row_placements
    union all
    select
        insz,
        0 as is_landing_row,
        1 as is_ledger_row
    from ledger_events
    where {{ is_valid_insz('insz') }}
),

known_persons as (
    select
        insz,
        sum(is_landing_row) as landing_rows,
        sum(is_ledger_row) as ledger_rows
    from named_insz
    group by insz
),

final as (
    select
        {{ person_key('known_persons.insz') }} as person_key,
        known_persons.insz,
        persons.insz is not null as has_staged_person_record,
        persons.nationality_code,
        persons.belgian_since,
        persons.source_file as person_source_file,
        persons.source_row_number as person_source_row_number,
        person_statuses.final_status,
        person_statuses.exclusion_reason,
        known_persons.landing_rows,
        known_persons.ledger_rows,
        {{ as_of_date_sql() }} as as_of_date
    from known_persons
    left join persons on known_persons.insz = persons.insz
    left join person_statuses on known_persons.insz = person_statuses.insz
)

select * from final
