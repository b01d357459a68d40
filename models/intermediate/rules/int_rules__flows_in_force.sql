-- One row per flow of the rule catalogue in force on as_of_date (RULES.md §4), with the
-- counting mode that applies (the counting_mode var overrides the catalogue, RULES.md §5)
-- and whether the flow is applied (active, or deferred and enabled, RULES.md §7).
with

flows as (
    select * from {{ ref('rule_flows') }}
),

in_force as (
    select
        flow_code,
        flow_name_en,
        flow_name_nl,
        flow_status,
        counted_unit,
        counting_mode as catalogue_counting_mode,
        coalesce({{ counting_mode_override_sql() }}, counting_mode) as counting_mode,
        {{ is_enabled_flow('flow_code', 'flow_status') }} as is_applied,
        valid_from as catalogue_valid_from,
        valid_to as catalogue_valid_to,
        legal_reference,
        note_quote_nl,
        note_quote_en
    from flows
    where {{ is_in_force() }}
)

select * from in_force
