-- One row per staged residence permit of the population register (RULES.md §7): register
-- POPULATION, or a document type the reference seed places in the population register
-- (C, D, E+, F+ and their 2021 names K, L, EU+, and M+). Such a permit never qualifies
-- for a flow and excludes a transfer on any day it is valid.
with

permits as (
    select * from {{ ref('stg_national_register__residence_permits') }}
),

document_types as (
    select
        document_type,
        is_population_register
    from {{ ref('ref_document_types') }}
),

final as (
    select
        permits.permit_id,
        permits.insz,
        permits.document_type,
        permits.register,
        permits.valid_from,
        permits.valid_to
    from permits
    inner join document_types on permits.document_type = document_types.document_type
    where permits.register = 'POPULATION' or document_types.is_population_register
)

select * from final
