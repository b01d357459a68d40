-- Quarantine and reconciliation over time for dashboards: landing rows by the month
-- they were recorded, source, place and quarantine reason (RULES.md §2). Rows without a
-- readable recorded_at (quarantined for it) fall in a null month.
with

placements as (
    select * from {{ ref('stg_landing__row_placements') }}
),

final as (
    select
        {{ month_start('cast(recorded_at as date)') }} as recorded_month,
        source,
        place,
        reason_code,
        count(*) as landing_rows,
        {{ as_of_date_sql() }} as as_of_date
    from placements
    group by {{ month_start('cast(recorded_at as date)') }}, source, place, reason_code
)

select * from final
