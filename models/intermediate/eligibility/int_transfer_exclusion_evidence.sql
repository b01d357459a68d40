-- The fact behind each exclusion and hold (RULES.md §7), for the decision trace and the
-- person timeline: one row per eligibility row stopped by one (EXCLUDED_BELGIAN,
-- EXCLUDED_POPULATION_REGISTER, HELD_DATA_QUALITY; the fact checked on its transfer_due_on)
-- and one row per person EXCLUDED as BELGIAN or POPULATION_REGISTER (checked on as_of_date,
-- or on the due date of the row that excluded them). Where several facts apply, the first
-- one (latest day checked, earliest start, then file row) is named and the others counted.
with

eligibility as (
    select * from {{ ref('int_transfer_eligibility_statuses') }}
),

person_evidence as (
    select * from {{ ref('int_person_transfer_evidence') }}
),

exclusions as (
    select * from {{ ref('int_rules__exclusions_in_force') }}
),

facts as (
    select * from {{ ref('int_person_exclusion_facts') }}
),

row_checks as (
    select
        eligibility.insz,
        eligibility.flow_code,
        eligibility.episode_number,
        exclusions.exclusion_code,
        eligibility.transfer_due_on as exclusion_checked_on
    from eligibility
    inner join exclusions on eligibility.transfer_status = exclusions.transfer_status
),

excluded_persons as (
    select
        insz,
        exclusion_reason
    from person_evidence
    where exclusion_reason in ('BELGIAN', 'POPULATION_REGISTER')
),

-- RULES.md §7: the person-level reason holds on as_of_date, or came from a row excluded
-- so (then checked on that row's due date).
checks as (
    select
        insz,
        flow_code,
        episode_number,
        'ELIGIBILITY_ROW' as evidence_level,
        exclusion_code,
        exclusion_checked_on
    from row_checks
    union all
    select
        insz,
        cast(null as {{ dbt.type_string() }}) as flow_code,
        cast(null as {{ dbt.type_int() }}) as episode_number,
        'PERSON' as evidence_level,
        exclusion_reason as exclusion_code,
        {{ as_of_date_sql() }} as exclusion_checked_on
    from excluded_persons
    union all
    select
        excluded_persons.insz,
        cast(null as {{ dbt.type_string() }}) as flow_code,
        cast(null as {{ dbt.type_int() }}) as episode_number,
        'PERSON' as evidence_level,
        excluded_persons.exclusion_reason as exclusion_code,
        row_checks.exclusion_checked_on
    from excluded_persons
    inner join row_checks
        on excluded_persons.insz = row_checks.insz
            and excluded_persons.exclusion_reason = row_checks.exclusion_code
),

-- Belgian on the day, a population-register permit valid on the day; the hold does not
-- depend on the day (a record not repaired by as_of_date holds every row).
facts_on_day as (
    select
        facts.*,
        checks.flow_code,
        checks.episode_number,
        checks.evidence_level,
        checks.exclusion_checked_on
    from checks
    inner join facts
        on checks.insz = facts.insz
            and checks.exclusion_code = facts.exclusion_code
    where
        (
            facts.exclusion_code = 'BELGIAN'
            and {{ is_belgian_on('facts.nationality_code', 'facts.belgian_since', 'checks.exclusion_checked_on') }}
        )
        or (
            facts.exclusion_code = 'POPULATION_REGISTER'
            and {{ is_valid_on('facts.fact_start', 'facts.fact_end', 'checks.exclusion_checked_on') }}
        )
        or facts.exclusion_code = 'HELD_DATA_QUALITY'
),

ranked as (
    select
        *,
        row_number() over (
            partition by insz, evidence_level, flow_code, episode_number
            order by exclusion_checked_on desc, fact_start asc, source asc, source_row_number asc
        ) as fact_rank,
        count(*) over (
            partition by insz, evidence_level, flow_code, episode_number, exclusion_checked_on
        ) as exclusion_fact_count
    from facts_on_day
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        evidence_level,
        exclusion_checked_on,
        exclusion_fact_count,
        exclusion_code,
        fact_start,
        fact_end,
        permit_id,
        document_type,
        nationality_code,
        belgian_since,
        reason_code,
        recorded_at,
        source,
        source_file,
        source_row_number,
        legal_reference,
        note_quote_nl,
        note_quote_en
    from ranked
    where fact_rank = 1
)

select * from final
