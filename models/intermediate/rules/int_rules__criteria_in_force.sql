-- One row per flow x criterion of the rule catalogue in force on as_of_date (RULES.md §5):
-- threshold criteria (N days or N months) and the prior-aid criterion of C1/C2.
with

criteria as (
    select * from {{ ref('rule_flow_criteria') }}
),

flows as (
    select
        flow_code,
        counting_mode,
        counted_unit
    from {{ ref('int_rules__flows_in_force') }}
),

in_force as (
    select
        criteria.flow_code,
        criteria.criterion_code,
        criteria.criterion_kind,
        criteria.threshold_value,
        criteria.threshold_unit,
        criteria.prior_aid_flow_code,
        criteria.tie_break_rank,
        criteria.valid_from as catalogue_valid_from,
        flows.counting_mode,
        flows.counted_unit,
        criteria.note_quote_nl,
        criteria.note_quote_en
    from criteria
    inner join flows on criteria.flow_code = flows.flow_code
    where {{ is_in_force('criteria.valid_from', 'criteria.valid_to') }}
)

select * from in_force
