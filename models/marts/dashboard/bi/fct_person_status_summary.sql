-- Persons by final status and exclusion reason (RULES.md §7) for dashboards: the person
-- status mart counted, so a dashboard never needs a person-level row.
with

person_statuses as (
    select * from {{ ref('fct_person_transfer_status') }}
),

final as (
    select
        final_status,
        exclusion_reason,
        count(*) as persons,
        {{ as_of_date_sql() }} as as_of_date
    from person_statuses
    group by final_status, exclusion_reason
)

select * from final
