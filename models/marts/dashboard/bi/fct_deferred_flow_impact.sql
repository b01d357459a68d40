-- What enabling each deferred flow would change (RULES.md §7): its rows that are
-- DEFERRED_TECHNICAL now would become TRANSFER if the flow were listed in
-- enabled_deferred_flows, since step 4 comes after every exclusion and hold and the
-- criteria do not depend on the var (RULES.md §5: prior aid counts "whether or not the
-- deferred flow is enabled"). A person is newly transferred when such a row exists and
-- no row of theirs is TRANSFER yet. Computed from this run's rows, not estimated.
with

flows as (
    select * from {{ ref('int_rules__flows_in_force') }}
),

eligibility as (
    select * from {{ ref('fct_transfer_eligibility') }}
),

persons_transferred_now as (
    select distinct person_key
    from eligibility
    where transfer_status = 'TRANSFER'
),

deferred_rows as (
    select
        eligibility.flow_code,
        eligibility.person_key,
        persons_transferred_now.person_key is null as is_newly_transferred
    from eligibility
    left join persons_transferred_now on eligibility.person_key = persons_transferred_now.person_key
    where eligibility.transfer_status = 'DEFERRED_TECHNICAL'
),

impact as (
    select
        flow_code,
        count(*) as deferred_rows,
        count(distinct person_key) as persons_with_deferred_rows,
        count(distinct case when is_newly_transferred then person_key end) as persons_newly_transferred
    from deferred_rows
    group by flow_code
),

final as (
    select
        flows.flow_code,
        flows.is_applied as is_enabled_in_run,
        coalesce(impact.deferred_rows, 0) as deferred_rows,
        coalesce(impact.persons_with_deferred_rows, 0) as persons_with_deferred_rows,
        coalesce(impact.persons_newly_transferred, 0) as persons_newly_transferred,
        {{ as_of_date_sql() }} as as_of_date
    from flows
    left join impact on flows.flow_code = impact.flow_code
    where flows.flow_status = 'deferred'
)

select * from final
