-- RULES.md §4: a flow's criterion is met inside an episode of a permit that qualifies
-- for the flow: on criterion_met_on the person holds a staged permit whose document type
-- and residence ground are in the flow's catalogue lists and which is not a
-- population-register permit.
with

qualifying as (
    select
        permits.insz,
        documents.flow_code,
        permits.valid_from,
        permits.valid_to
    from {{ ref('stg_national_register__residence_permits') }} as permits
    inner join {{ ref('rule_flow_document_types') }} as documents
        on permits.document_type = documents.document_type
    inner join {{ ref('rule_flow_residence_grounds') }} as grounds
        on permits.residence_ground = grounds.residence_ground
            and documents.flow_code = grounds.flow_code
    where permits.register <> 'POPULATION'
        and permits.document_type not in ('C', 'D', 'E+', 'F+', 'K', 'L', 'EU+', 'M+')
)

select
    eligibility.insz,
    eligibility.flow_code,
    eligibility.criterion_met_on
from {{ ref('fct_transfer_eligibility') }} as eligibility
where not exists (
        select 1
        from qualifying
        where qualifying.insz = eligibility.insz
            and qualifying.flow_code = eligibility.flow_code
            and qualifying.valid_from <= eligibility.criterion_met_on
            and (qualifying.valid_to is null or qualifying.valid_to >= eligibility.criterion_met_on)
    )
