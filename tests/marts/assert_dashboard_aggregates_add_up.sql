-- The dashboard marts are exact aggregates of the marts they summarise (no row lost or
-- double-counted on the way to a dashboard): persons by status, and the persons the
-- dashboard's filters can select, add up to the person status mart (RULES.md §7); monthly
-- transfer rows and the transfers by counted units to the TRANSFER rows of the final model
-- (RULES.md §6-7); landing rows over time to the reconciliation per source (RULES.md §2).
-- Fails with one row per check whose totals differ.
with

status_summary as (
    select sum(persons) as total from {{ ref('fct_person_status_summary') }}
),

person_statuses as (
    select count(*) as total from {{ ref('fct_person_transfer_status') }}
),

filtered_persons as (
    select count(distinct person_key) as total from {{ ref('fct_person_flow_regions') }}
),

monthly_transfers as (
    select sum(transfer_rows) as total from {{ ref('fct_monthly_transfers') }}
),

transfer_counted_units as (
    select sum(transfer_rows) as total from {{ ref('fct_transfer_counted_units') }}
),

transfer_rows as (
    select count(*) as total
    from {{ ref('fct_transfer_eligibility') }}
    where transfer_status = 'TRANSFER'
),

quality_by_source as (
    select
        source,
        sum(landing_rows) as total
    from {{ ref('fct_landing_quality_over_time') }}
    group by source
),

reconciliation as (
    select
        source,
        landing_rows as total
    from {{ ref('rpt_landing_reconciliation') }}
),

checks as (
    select
        'persons by status' as check_name,
        coalesce(status_summary.total, 0) as dashboard_total,
        person_statuses.total as source_total
    from status_summary cross join person_statuses

    union all

    select
        'persons the Exclusions and Durations filters can select' as check_name,
        filtered_persons.total as dashboard_total,
        person_statuses.total as source_total
    from filtered_persons cross join person_statuses

    union all

    select
        'monthly transfer rows' as check_name,
        coalesce(monthly_transfers.total, 0) as dashboard_total,
        transfer_rows.total as source_total
    from monthly_transfers cross join transfer_rows

    union all

    select
        'transfer rows by counted units' as check_name,
        coalesce(transfer_counted_units.total, 0) as dashboard_total,
        transfer_rows.total as source_total
    from transfer_counted_units cross join transfer_rows

    union all

    select
        'landing rows of ' || coalesce(reconciliation.source, quality_by_source.source) as check_name,
        coalesce(quality_by_source.total, 0) as dashboard_total,
        coalesce(reconciliation.total, 0) as source_total
    from reconciliation
    full outer join quality_by_source on reconciliation.source = quality_by_source.source
)

select * from checks
where dashboard_total <> source_total
