-- One row per flow x benefit type whose reimbursed aid days count for the flow
-- (RULES.md §4 "counted benefit types"), from the catalogue list in force on as_of_date.
with

flows as (
    select flow_code from {{ ref('int_rules__flows_in_force') }}
),

benefit_types as (
    select
        flow_code,
        benefit_type
    from {{ ref('rule_flow_benefit_types') }}
    where {{ is_in_force() }}
),

combined as (
    select
        flows.flow_code,
        benefit_types.benefit_type
    from flows
    inner join benefit_types on flows.flow_code = benefit_types.flow_code
)

select * from combined
