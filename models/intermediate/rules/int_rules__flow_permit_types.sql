-- One row per flow x document type x residence ground that qualifies a permit for the
-- flow (RULES.md §4: "defined by document and ground only"), from the catalogue lists in
-- force on as_of_date.
with

flows as (
    select flow_code from {{ ref('int_rules__flows_in_force') }}
),

document_types as (
    select
        flow_code,
        document_type
    from {{ ref('rule_flow_document_types') }}
    where {{ is_in_force() }}
),

residence_grounds as (
    select
        flow_code,
        residence_ground
    from {{ ref('rule_flow_residence_grounds') }}
    where {{ is_in_force() }}
),

combined as (
    select
        flows.flow_code,
        document_types.document_type,
        residence_grounds.residence_ground
    from flows
    inner join document_types on flows.flow_code = document_types.flow_code
    inner join residence_grounds on flows.flow_code = residence_grounds.flow_code
)

select * from combined
