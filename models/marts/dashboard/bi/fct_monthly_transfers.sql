-- Monthly transfers for dashboards: the TRANSFER eligibility rows (RULES.md §7) counted
-- by the month of their transfer_due_on (RULES.md §6), flow and OCMW, with the OCMW's
-- municipality, province and region, and whether they fell due before the catalogue came
-- into force (RULES.md §4: the catalogue in force on as_of_date applies to the whole
-- history, so such rows exist and are transferred). Aggregates only: no person-level column.
with

eligibility as (
    select * from {{ ref('fct_transfer_eligibility') }}
),

ocmw as (
    select * from {{ ref('dim_ocmw') }}
),

transfers as (
    select
        {{ month_start('transfer_due_on') }} as transfer_month,
        flow_code,
        ocmw_nis_code,
        transfer_due_on < catalogue_valid_from as is_due_before_catalogue_valid_from,
        person_key
    from eligibility
    where transfer_status = 'TRANSFER'
),

counted as (
    select
        transfer_month,
        flow_code,
        ocmw_nis_code,
        is_due_before_catalogue_valid_from,
        count(*) as transfer_rows,
        count(distinct person_key) as persons_transferred
    from transfers
    group by transfer_month, flow_code, ocmw_nis_code, is_due_before_catalogue_valid_from
),

final as (
    select
        counted.transfer_month,
        counted.flow_code,
        counted.ocmw_nis_code,
        ocmw.municipality_nl,
        ocmw.province_nl,
        ocmw.region,
        counted.is_due_before_catalogue_valid_from,
        counted.transfer_rows,
        counted.persons_transferred,
        {{ as_of_date_sql() }} as as_of_date
    from counted
    left join ocmw on counted.ocmw_nis_code = ocmw.ocmw_nis_code
)

select * from final
