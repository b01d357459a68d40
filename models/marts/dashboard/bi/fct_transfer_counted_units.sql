-- Counted duration of the transfers for dashboards (RULES.md §5-6): the TRANSFER rows of the
-- decision trace counted by transfer month, flow, OCMW, the counted units on the day the
-- transfer fell due and the counted units as of as_of_date. The eligibility row's
-- counted_days / counted_months run to as_of_date and keep growing after the transfer; the
-- units at transfer are what the DVZ was sent about, so the two are side by side.
-- Aggregates only: no person-level column.
with

trace as (
    select * from {{ ref('fct_transfer_decision_trace') }}
),

ocmw as (
    select * from {{ ref('dim_ocmw') }}
),

transfers as (
    select
        {{ month_start('transfer_due_on') }} as transfer_month,
        flow_code,
        ocmw_nis_code,
        case when counted_days is not null then 'day' else 'month' end as counted_unit,
        coalesce(counted_days_at_transfer, counted_months_at_transfer) as counted_units_at_transfer,
        coalesce(counted_days, counted_months) as counted_units_as_of_date,
        is_due_before_catalogue_valid_from,
        person_key
    from trace
    where is_carried_by_eligibility_row and outcome = 'TRANSFER'
),

counted as (
    select
        transfer_month,
        flow_code,
        ocmw_nis_code,
        counted_unit,
        counted_units_at_transfer,
        counted_units_as_of_date,
        is_due_before_catalogue_valid_from,
        count(*) as transfer_rows,
        count(distinct person_key) as persons_transferred
    from transfers
    group by
        transfer_month, flow_code, ocmw_nis_code, counted_unit, counted_units_at_transfer,
        counted_units_as_of_date, is_due_before_catalogue_valid_from
),

final as (
    select
        counted.transfer_month,
        counted.flow_code,
        counted.ocmw_nis_code,
        ocmw.province_nl,
        ocmw.region,
        counted.counted_unit,
        counted.counted_units_at_transfer,
        counted.counted_units_as_of_date,
        counted.is_due_before_catalogue_valid_from,
        counted.transfer_rows,
        counted.persons_transferred,
        {{ as_of_date_sql() }} as as_of_date
    from counted
    left join ocmw on counted.ocmw_nis_code = ocmw.ocmw_nis_code
)

select * from final
