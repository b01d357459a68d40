-- The flow dimension for dashboards: every flow of the rule catalogue in force on
-- as_of_date, with its status, whether this run applies it (RULES.md §7 step 4), the
-- unit and counting mode it counts in (RULES.md §5), the authorisation it rests on and
-- the day its catalogue row came into force.
with

flows as (
    select * from {{ ref('int_rules__flows_in_force') }}
),

final as (
    select
        flow_code,
        flow_name_en,
        flow_name_nl,
        flow_status,
        is_applied as is_applied_in_run,
        counted_unit,
        counting_mode,
        legal_reference,
        catalogue_valid_from,
        {{ as_of_date_sql() }} as as_of_date
    from flows
)

select * from final
