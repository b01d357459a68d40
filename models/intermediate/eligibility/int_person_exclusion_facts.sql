-- One row per fact that can stop a person's transfer (RULES.md §7), with the record it
-- comes from (landing file and row) and the sentence of the note: the person is Belgian
-- (nationality BE, from belgian_since or from birth), holds a population-register permit
-- (for its validity), or is named by a quarantined record not repaired yet (the hold).
-- Whether a fact excluded a row is decided on the row's transfer_due_on
-- (int_transfer_eligibility_statuses); this model only lists the facts, dated.
with

exclusions as (
    select * from {{ ref('int_rules__exclusions_in_force') }}
),

persons as (
    select * from {{ ref('stg_national_register__persons') }}
),

population_register_permits as (
    select * from {{ ref('int_population_register_permits') }}
),

permits as (
    select
        permit_id,
        source_file,
        source_row_number
    from {{ ref('stg_national_register__residence_permits') }}
),

unrepaired_rows as (
    select * from {{ ref('int_unrepaired_quarantined_rows') }}
),

-- RULES.md §7: Belgian on day t when nationality_code = BE and belgian_since is null
-- (from birth: the fact has no first day) or on or before t.
belgian_facts as (
    select
        insz,
        'BELGIAN' as exclusion_code,
        belgian_since as fact_start,
        cast(null as date) as fact_end,
        cast(null as {{ dbt.type_string() }}) as permit_id,
        cast(null as {{ dbt.type_string() }}) as document_type,
        cast(null as {{ dbt.type_string() }}) as register,
        nationality_code,
        belgian_since,
        cast(null as {{ dbt.type_string() }}) as reason_code,
        recorded_at,
        'persons' as source,
        source_file,
        source_row_number
    from persons
    where nationality_code = 'BE'
),

population_register_facts as (
    select
        population_register_permits.insz,
        'POPULATION_REGISTER' as exclusion_code,
        population_register_permits.valid_from as fact_start,
        population_register_permits.valid_to as fact_end,
        population_register_permits.permit_id,
        population_register_permits.document_type,
        population_register_permits.register,
        cast(null as {{ dbt.type_string() }}) as nationality_code,
        cast(null as date) as belgian_since,
        cast(null as {{ dbt.type_string() }}) as reason_code,
        cast(null as {{ dbt.type_timestamp() }}) as recorded_at,
        'residence_permits' as source,
        permits.source_file,
        permits.source_row_number
    from population_register_permits
    inner join permits on population_register_permits.permit_id = permits.permit_id
),

-- The hold lasts from the broken record until a later good version repairs it: open here.
hold_facts as (
    select
        insz,
        'HELD_DATA_QUALITY' as exclusion_code,
        cast(recorded_at as date) as fact_start,
        cast(null as date) as fact_end,
        case when source = 'residence_permits' then business_key end as permit_id,
        cast(null as {{ dbt.type_string() }}) as document_type,
        cast(null as {{ dbt.type_string() }}) as register,
        cast(null as {{ dbt.type_string() }}) as nationality_code,
        cast(null as date) as belgian_since,
        reason_code,
        recorded_at,
        source,
        source_file,
        source_row_number
    from unrepaired_rows
),

facts as (
    select * from belgian_facts
    union all
    select * from population_register_facts
    union all
    select * from hold_facts
),

final as (
    select
        facts.*,
        exclusions.transfer_status,
        exclusions.legal_reference,
        exclusions.note_quote_nl,
        exclusions.note_quote_en
    from facts
    left join exclusions on facts.exclusion_code = exclusions.exclusion_code
)

select * from final
