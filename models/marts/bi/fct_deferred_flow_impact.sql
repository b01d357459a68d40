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

statuses as (
    select * from {{ ref('int_transfer_eligibility_statuses') }}
),

persons_transferred_now as (
    select distinct insz
    from statuses
    where transfer_status = 'TRANSFER'
),

deferred_rows as (
    select
        statuses.flow_code,
        statuses.insz,
        persons_transferred_now.insz is null as is_newly_transferred
    from statuses
    left join persons_transferred_now on statuses.insz = persons_transferred_now.insz
    where statuses.transfer_status = 'DEFERRED_TECHNICAL'
),

impact as (
    select
        flow_code,
        count(*) as deferred_rows,
        count(distinct insz) as persons_with_deferred_rows,
        count(distinct case when is_newly_transferred then insz end) as persons_newly_transferred
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
